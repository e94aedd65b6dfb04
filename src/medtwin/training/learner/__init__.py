"""Learner models and learning paths, from the scored results in a statements store.

- `evidence`: each complete run in the store (its verdict and its objectives' scores)
  as an `Attempt`: who, which case, when, and a score in [0, 1] per skill;
- `elo`: the Elo rating of each learner's skills and each case's difficulty, replayed
  from the attempts in time order (Pelánek 2016);
- `paths`: the next case for a learner (the weakest skill, at the difficulty that
  gives the target success rate);
- `progress`: a learner's ratings as a table and a plot.

docs/training.md ("Learner model and learning paths") explains the choices.
"""
