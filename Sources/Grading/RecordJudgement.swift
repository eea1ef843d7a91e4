/// What a loop's returned losses and norms must be, along the trajectory
/// it actually took.
///
/// A loop whose steps are wrong (clipped at the wrong moment, say) moves
/// the parameters elsewhere, so its later windows' losses differ from the
/// large batch's even when it reports them correctly. Judged against the
/// parameters each window really saw, a wrong step is blamed where it
/// happens (the step checks) and never passed off as a wrong loss.
///
/// - Returns: per window, its mean loss and its gradient's norm before
///   clipping at the parameters its step() saw; nil when the loop did not
///   step once per window (the step checks name that).
func windowRecords(along run: AccumulationRun) throws -> (losses: [Double], norms: [Double])? {
  let windows = run.scenario.windows
  let (steps, trailing) = run.log.steps
  guard steps.count == windows.count, trailing.isEmpty,
    zip(steps, windows).allSatisfy({ Set($0.microBatches) == Set($1) })
  else { return nil }
  var losses: [Double] = []
  var norms: [Double] = []
  for (step, window) in zip(steps, windows) {
    let (loss, g) = try run.scenario.problem.largeBatchGradient(at: step.params, on: window.map { run.batches[$0] })
    losses.append(loss)
    norms.append(norm(g))
  }
  return (losses, norms)
}
