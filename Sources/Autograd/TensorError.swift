/// What can go wrong in the engine, each case carrying what a person needs to
/// fix the calling code: the operation and the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
  /// Two operands whose shapes do not fit the operation.
  case shapeMismatch(op: String, lhs: [Int], rhs: [Int], detail: String)
  /// An operand whose own shape or value is wrong for the operation.
  case invalidArgument(op: String, detail: String)
  /// Recording an operation would push activation memory over the budget.
  case outOfMemory(op: String, neededBytes: Int, budgetBytes: Int)
  /// `backward()` was called where it cannot run.
  case backwardFailed(String)

  public var description: String {
    switch self {
    case let .shapeMismatch(op, lhs, rhs, detail):
      return "\(op): shapes \(lhs) and \(rhs) do not fit: \(detail)"
    case let .invalidArgument(op, detail):
      return "\(op): \(detail)"
    case let .outOfMemory(op, needed, budget):
      return "out of memory: recording \(op) would keep \(MemoryMeter.format(needed)) of activations alive, "
        + "the budget is \(MemoryMeter.format(budget)); use a smaller micro-batch and accumulate gradients"
    case let .backwardFailed(detail):
      return "backward(): \(detail)"
    }
  }
}

extension TensorError: LocalizedErrorConvertible {}

/// Lets `error.localizedDescription` show the message on Linux too.
public protocol LocalizedErrorConvertible: LocalizedError, CustomStringConvertible {}
extension LocalizedErrorConvertible {
  public var errorDescription: String? { description }
}

import Foundation
