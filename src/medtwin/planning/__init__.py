"""What-if plans: fork the (assimilated) ensemble, simulate candidate plans, compare.

`compare_plans(snapshots, plans, horizon_s)` runs every plan (a string of orders in
the engine's grammar) on every member and returns, per plan, the forecast with its 90 %
bands and the outcome measures (`outcomes`). `plan_command` is `medtwin plan`.
"""

from medtwin.planning.compare import PlanError, PlanResult, compare_plans
from medtwin.planning.plans import Plan, parse_plan

__all__ = ["Plan", "PlanError", "PlanResult", "compare_plans", "parse_plan"]
