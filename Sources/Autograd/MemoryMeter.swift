import Foundation

/// Counts the bytes of activations that recorded graphs keep alive.
///
/// Gradient accumulation exists because a forward pass must keep every
/// intermediate result until `backward()` has used it, and that memory grows
/// with the batch. The meter adds the storage of each recorded operation's
/// output when it is recorded and subtracts it when the graph is freed (after
/// `backward()`, or when the tensors go away). Parameters and inputs are not
/// activations and are not counted. `BatchNorm1d` (in training) and
/// `LayerNorm` also keep a mean and a 1/σ per normalized group for their
/// backward pass, and are charged for those too.
///
/// With a `budget`, recording an operation that would exceed it throws
/// `TensorError.outOfMemory`, the way a GPU runs out of memory.
///
///     let meter = MemoryMeter(budget: 4_000_000)
///     try meter.measure { try model(x).backward() }
///     print(meter.peakBytes)
public final class MemoryMeter: @unchecked Sendable {
  /// The meter used when none is installed with `measure(_:)`.
  public static let shared = MemoryMeter()
  /// The meter new graph nodes are charged to; task-local so tests running
  /// in parallel do not see each other's graphs.
  @TaskLocal public static var current: MemoryMeter = .shared

  private let lock = NSLock()
  private var _current = 0
  private var _peak = 0
  private var _budget: Int?

  public init(budget: Int? = nil) { _budget = budget }

  /// Bytes of activations alive now.
  public var currentBytes: Int { lock.withLock { _current } }
  /// The most that was alive at once since creation or `resetPeak()`.
  public var peakBytes: Int { lock.withLock { _peak } }
  /// The most bytes that may be alive at once; `nil` for no limit.
  public var budget: Int? {
    get { lock.withLock { _budget } }
    set { lock.withLock { _budget = newValue } }
  }

  /// Starts a new peak measurement from what is alive now.
  public func resetPeak() { lock.withLock { _peak = _current } }

  /// Runs `body` with this meter charged for every graph it records.
  public func measure<R>(_ body: () throws -> R) rethrows -> R {
    try MemoryMeter.$current.withValue(self, operation: body)
  }

  func allocate(_ bytes: Int, op: String) throws {
    try lock.withLock {
      if let budget = _budget, _current + bytes > budget {
        throw TensorError.outOfMemory(op: op, neededBytes: _current + bytes, budgetBytes: budget)
      }
      _current += bytes
      _peak = max(_peak, _current)
    }
  }

  func release(_ bytes: Int) { lock.withLock { _current -= bytes } }

  /// "12.6 MB", "512 KB", "96 B": decimal units, as memory is usually quoted.
  public static func format(_ bytes: Int) -> String {
    let b = Double(bytes)
    if b >= 1e9 { return String(format: "%.1f GB", b / 1e9) }
    if b >= 1e6 { return String(format: "%.1f MB", b / 1e6) }
    if b >= 1e3 { return String(format: "%.1f KB", b / 1e3) }
    return "\(bytes) B"
  }
}
