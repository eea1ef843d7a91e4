import Autograd
import Foundation

/// What can go wrong when building, batching or splitting data.
///
/// Every message repeats the call with the offending value in it, so a
/// student who passes `split(into: 0)` sees that exact call echoed back with
/// the rule it broke, rather than a bare "invalid argument".
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `split(into:)` asked for fewer than one part, or more parts than samples
  /// (an empty micro-batch would make a mean loss divide by zero).
  case invalidPartCount(parts: Int, count: Int)
  /// A size in `split(sizes:)` that is zero or negative.
  case nonPositiveSize(sizes: [Int], position: Int)
  /// `split(sizes:)` sizes that do not add up to the batch.
  case sizesDoNotAddUp(sizes: [Int], total: Int, count: Int)
  /// `Batch.concatenated([])`: there is nothing to take the shape from.
  case nothingToConcatenate
  /// A batch whose per-sample shape differs from the first batch's.
  case shapeMismatch(call: String, position: Int, shape: [Int], expected: [Int])
  /// Inputs and targets that do not hold the same number of samples.
  case sampleCountMismatch(call: String, inputs: [Int], targets: [Int])
  /// A `DataLoader` batch size below 1.
  case invalidBatchSize(Int)
  /// Any other argument outside its domain; `call` echoes the call.
  case invalidArgument(call: String, detail: String)

  public var description: String {
    switch self {
    case let .invalidPartCount(parts, _) where parts < 1:
      return "split(into: \(parts)): the number of micro-batches must be at least 1"
    case let .invalidPartCount(parts, count):
      return "split(into: \(parts)): the batch holds \(count) sample\(count == 1 ? "" : "s"), "
        + "so it cannot make \(parts) non-empty micro-batches"
    case let .nonPositiveSize(sizes, position):
      return "split(sizes: \(sizes)): size \(sizes[position]) at position \(position) must be at least 1"
    case let .sizesDoNotAddUp(sizes, total, count):
      return "split(sizes: \(sizes)): sizes add up to \(total), the batch holds \(count)"
    case .nothingToConcatenate:
      return "Batch.concatenated([]): needs at least one batch"
    case let .shapeMismatch(call, position, shape, expected):
      return "\(call): batch \(position) has per-sample shape \(shape), batch 0 has \(expected); "
        + "all must agree after the first axis"
    case let .sampleCountMismatch(call, inputs, targets):
      return "\(call): inputs of shape \(inputs) and targets of shape \(targets) "
        + "must both have a first (sample) axis of the same size"
    case let .invalidBatchSize(size):
      return "DataLoader(batchSize: \(size)): the batch size must be at least 1"
    case let .invalidArgument(call, detail):
      return "\(call): \(detail)"
    }
  }
}

// Without LocalizedError, Linux's `localizedDescription` prints only
// "The operation could not be completed" instead of the message.
extension DatasetError: LocalizedErrorConvertible {}
