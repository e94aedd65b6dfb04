"""The physiology engine: body systems as compiled functions over batched arrays.

One module per body system (`circulation`, `respiration`, `exchange`, `bloodgas`,
`control`, `fluids`, `drugs`, `ecg`, `monitors`), the generated `layout` of every
array, the `parameters` with units and sources and the run-time `inputs` that actions
write, `scaling` from demographics to parameters, `initial` and `steady_state`, the
compiled `kernel` and `batch`, its runner. How it is compiled lives in
`medtwin.compiled`.
"""
