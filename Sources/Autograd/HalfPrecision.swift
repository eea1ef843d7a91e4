/// Where `backward()` stores gradients: in `Double`, or rounded to half
/// precision, as under PyTorch's `torch.autocast` with float16.
///
/// A task-local, like `GradMode`, so parallel tests each have their own.
public enum Autocast {
  @TaskLocal public static var isEnabled = false
}

/// Runs `body` with gradients stored in half precision, like
/// `with torch.autocast(device_type="cuda", dtype=torch.float16):`.
///
/// Inside, `backward()` works in half precision: every gradient it
/// computes on the way through the graph, every value it adds into a
/// leaf's `.grad` and the sum it keeps there are rounded to half
/// precision. A value above 65504 becomes infinity, one below about 3e-8
/// becomes 0, and in a deep network the gradient of the early layers,
/// which shrinks layer by layer, can vanish entirely. What code writes into
/// `.grad` itself (unscaling, clipping) and the weights stay in `Double`,
/// the role fp32 "master" weights play in real mixed precision. The forward
/// pass is not rounded.
public func autocast<R>(_ enabled: Bool = true, _ body: () throws -> R) rethrows -> R {
  try Autocast.$isEnabled.withValue(enabled, operation: body)
}
