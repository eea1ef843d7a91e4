/// A loss such as `mse` or `softmaxCrossEntropy`: (prediction, target) to a
/// scalar tensor, averaged over the batch.
///
///     let lossFunction: LossFunction = { try mse($0, $1) }
public typealias LossFunction = (_ prediction: Tensor, _ target: Tensor) throws -> Tensor
