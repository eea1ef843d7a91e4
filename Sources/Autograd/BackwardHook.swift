/// A function called each time `backward()` starts, while one is installed:
/// how a caller watches the order of another piece of code's calls, in the
/// spirit of PyTorch's autograd hooks (`torch.autograd.graph`).
///
/// A task-local, like `GradMode`, so parallel tests each see only their own.
///
///     BackwardHook.$current.withValue({ print("backward") }) { try train() }
public enum BackwardHook {
  @TaskLocal public static var current: (@Sendable () -> Void)?
}
