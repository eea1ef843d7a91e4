// Mixed precision as PyTorch's `torch.autocast` does it, simulated on
// Double. Sources, read for this model:
//
// - docs/source/amp.rst, "Autocast Op Reference": which ops autocast runs
//   in float16, which in float32, which in "the widest input type"; that
//   unlisted ops "run in the type defined by their inputs"; and "If the
//   forward pass for a particular op has float16 inputs, the backward pass
//   for that op will produce float16 gradients".
// - aten/src/ATen/autocast_mode.h and .cpp: the same lists as code
//   (AT_FORALL_LOWER_PRECISION_FP, AT_FORALL_FP32,
//   AT_FORALL_FP32_SET_OPT_DTYPE) and `cached_cast`, which casts an op's
//   inputs before autograd records it, so the op saves and differentiates
//   its low-precision copies and the cast's backward turns the gradient
//   back into the input's own type.
//
// Double stands in for float32 throughout: a float32 op here computes in
// Double and rounds nothing. The low-precision types are rounded to, value
// by value, with `FloatFormat`; there are no tensor cores, and nothing is
// faster or smaller for it.

/// The type a tensor's values are held in, as PyTorch names them.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
  /// float32, simulated by Double: nothing is rounded.
  case float32
  /// IEEE binary16: 10 mantissa bits, 5 exponent bits.
  case float16
  /// bfloat16: 7 mantissa bits, float32's 8 exponent bits.
  case bfloat16

  public var description: String { rawValue }

  /// The 16-bit format values are rounded to; nil for float32.
  public var format: FloatFormat? {
    switch self {
    case .float32: return nil
    case .float16: return .float16
    case .bfloat16: return .bfloat16
    }
  }

  /// `x` as this type holds it.
  public func round(_ x: Double) -> Double { format?.round(x) ?? x }

  /// Every value as this type holds it; float32's are returned as they are.
  func round(_ values: [Double]) -> [Double] {
    guard let format else { return values }
    return mapValues(values, format.round)
  }

  /// PyTorch's promotion of two floating types: the same type stays,
  /// any two different ones meet in float32 (float16 and bfloat16 too,
  /// since neither holds the other).
  static func promoted(_ a: DType, _ b: DType) -> DType { a == b ? a : .float32 }
}

/// How autocast runs an op, PyTorch's `CastPolicy`.
public enum CastPolicy: String, Sendable {
  /// `lower_precision_fp`: the inputs are rounded to autocast's type, the
  /// op computes wide (as tensor cores add up in float32) and its output
  /// is rounded to that type. Its backward pass produces gradients in that
  /// type, for the weight as for the input.
  case lowerPrecision = "low precision"
  /// `fp32`: the inputs are widened to float32 (exact), the output is
  /// float32, and so are the gradients it produces.
  case float32
  /// Unlisted ops, and ops that take several inputs: they run in the type
  /// of their inputs, the widest one when they differ (PyTorch's type
  /// promotion, where a number or a 0-d tensor does not widen a tensor
  /// with dimensions). Off autocast every op runs this way.
  case widestInput = "widest input"
}

/// One row of the op-precision table: an op of this engine, what PyTorch's
/// "Autocast Op Reference" lists it as, and how autocast runs it here.
public struct OpPrecision: Sendable {
  /// The op's name in this engine (what its graph node records).
  public let op: String
  /// Its name in PyTorch, or "not listed".
  public let pytorch: String
  public let policy: CastPolicy
}

/// Whether, and to which type, ops autocast: the state of `autocast { }`.
///
/// A task-local, like `GradMode`, so parallel tests each have their own.
public enum Autocast {
  /// The low-precision type of the enclosing `autocast` block; nil outside.
  @TaskLocal public static var dtype: DType?

  /// Whether an `autocast` block encloses this code.
  public static var isEnabled: Bool { dtype != nil }

  /// Every op of the engine and how autocast runs it. PyTorch's lists name
  /// these ops (docs/source/amp.rst, CUDA Op-Specific Behavior):
  ///
  /// - float16: `matmul`, `mm`, `linear` (and convolutions, not here);
  /// - float32: `mse_loss`, `cross_entropy`, `log_softmax`, `softmax`,
  ///   `sum`, `exp`, `log`, `pow` (and more the engine does not have);
  /// - every other op runs in the type of its inputs.
  ///
  /// Where the engine differs from PyTorch's ops, the row says what it
  /// chose: `square` is float32 because PyTorch computes it as
  /// `pow(x, 2)` (aten/src/ATen/native/UnaryOps.cpp); `mean` is not an op
  /// here but `sum() / n`, so it is float32 like `sum` (PyTorch's `mean`
  /// is unlisted, adds up in float32 and returns its input's type); the
  /// engine has no `softmax` or `log_softmax` of its own, only inside
  /// `softmaxCrossEntropy`; and a number divided by a tensor runs as `div`
  /// in the tensor's type, where PyTorch lists `__rtruediv__` as float32.
  /// `batch_norm` is unlisted, so it runs in its inputs' widest type: a
  /// float16 activation meeting the float32 weight comes out float32 here,
  /// where cuDNN's batch norm hands back the activation's float16; the
  /// statistics are float32 in both, so only that one rounding differs.
  public static let opTable: [OpPrecision] = [
    OpPrecision(op: "matmul", pytorch: "matmul, mm", policy: .lowerPrecision),
    OpPrecision(op: "linear", pytorch: "linear", policy: .lowerPrecision),
    OpPrecision(op: "mse", pytorch: "mse_loss", policy: .float32),
    OpPrecision(op: "softmaxCrossEntropy", pytorch: "cross_entropy", policy: .float32),
    OpPrecision(op: "sum", pytorch: "sum", policy: .float32),
    OpPrecision(op: "sum(axis:)", pytorch: "sum", policy: .float32),
    OpPrecision(op: "exp", pytorch: "exp", policy: .float32),
    OpPrecision(op: "log", pytorch: "log", policy: .float32),
    OpPrecision(op: "pow", pytorch: "pow", policy: .float32),
    OpPrecision(op: "square", pytorch: "pow (square is pow(x, 2))", policy: .float32),
    OpPrecision(op: "add", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "sub", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "mul", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "div", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "neg", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "tanh", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "sigmoid", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "relu", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "transpose", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "reshape", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "slice", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "select", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "concat", pytorch: "not listed", policy: .widestInput),
    OpPrecision(op: "indexSelect", pytorch: "not listed (index_select, embedding)", policy: .widestInput),
    OpPrecision(op: "LayerNorm", pytorch: "layer_norm", policy: .float32),
    OpPrecision(op: "BatchNorm1d", pytorch: "not listed (batch_norm)", policy: .widestInput),
    OpPrecision(op: "BatchNorm1d(eval)", pytorch: "not listed (batch_norm)", policy: .widestInput),
  ]

  private static let policies = Dictionary(uniqueKeysWithValues: opTable.map { ($0.op, $0.policy) })

  /// The policy of `op`; an op missing from the table runs in its inputs'
  /// type, as PyTorch runs unlisted ops (a test keeps the table complete).
  public static func policy(of op: String) -> CastPolicy { policies[op] ?? .widestInput }

  /// The type `op` computes in, and holds its output in, given its inputs.
  static func computeType(_ op: String, _ inputs: [Tensor]) -> DType {
    // Off autocast, with float32 inputs: every op of the plain engine.
    if dtype == nil && inputs.allSatisfy({ $0.dtype == .float32 }) { return .float32 }
    switch policy(of: op) {
    case .lowerPrecision: return dtype ?? widest(inputs)
    case .float32: return dtype == nil ? widest(inputs) : .float32
    case .widestInput: return widest(inputs)
    }
  }

  /// PyTorch's result type for floating inputs: the widest type among the
  /// inputs with dimensions; only when every input is 0-d, among all.
  static func widest(_ inputs: [Tensor]) -> DType {
    let dimensioned = inputs.filter { $0.rank > 0 }
    let pool = dimensioned.isEmpty ? inputs : dimensioned
    guard let first = pool.first?.dtype else { return .float32 }
    return pool.dropFirst().reduce(first) { DType.promoted($0, $1.dtype) }
  }
}

/// Runs `body` with ops in mixed precision, like
/// `with torch.autocast(device_type="cuda", dtype=torch.float16):`.
///
/// Inside, each op runs in the type `Autocast.opTable` gives it: matmul and
/// `Linear` in `dtype` (their output can overflow to infinity already in
/// the forward pass), the losses and reductions in float32 (Double here),
/// everything else in the type of its inputs. Each op's backward produces
/// its gradients in the type it computed in, and an input of another type
/// receives its gradient converted to its own type, as the casts autocast
/// inserted convert it back. A parameter is float32: its `.grad` adds up in
/// Double. Low-precision gradients are where underflow and overflow happen;
/// the scalar gradient of a float32 loss is never rounded.
///
/// The graph remembers each op's type, so `backward()` works the same
/// inside the block or after it (PyTorch recommends after it).
///
/// - Parameters:
///   - dtype: `.float16` (the default, PyTorch's on CUDA) or `.bfloat16`;
///     `.float32` runs every op in float32, as with autocast off.
///   - enabled: false runs `body` with autocast off.
public func autocast<R>(_ dtype: DType = .float16, enabled: Bool = true, _ body: () throws -> R) rethrows -> R {
  try Autocast.$dtype.withValue(enabled ? dtype : nil, operation: body)
}

/// `autocast(.float16)` when `enabled`, otherwise off: a shorter spelling
/// for code that only ever switches float16 on or off.
public func autocast<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
  try autocast(.float16, enabled: enabled, body)
}
