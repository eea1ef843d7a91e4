import Autograd

/// A token loss such as `tokenCrossEntropy`: (logits, targets) to the sum
/// of the per-token losses over the real tokens, with their count.
///
/// Exercise 6 is handed one so the grader can see which micro-batch each
/// call was for; in the demos it is the engine's own:
///
///     let lossFunction: TokenLossFunction = { try tokenCrossEntropy($0, $1) }
public typealias TokenLossFunction = (_ logits: Tensor, _ targets: Tensor) throws -> TokenLoss
