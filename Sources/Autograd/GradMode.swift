/// Whether operations are being recorded for `backward()`.
///
/// A task-local rather than a global, so parallel tests (and threads) each have
/// their own setting.
public enum GradMode {
  @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording a graph, like `with torch.no_grad():`.
///
/// Use it for evaluation and for anything that must not become part of the
/// next backward pass. Tensors made inside do not require gradients.
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
  try GradMode.$isEnabled.withValue(false, operation: body)
}
