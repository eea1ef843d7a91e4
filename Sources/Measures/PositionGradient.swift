import Autograd
import Datasets

/// How much gradient reaches each time step of a sequence model's input.
///
/// Whether a recurrent network "explodes" or "vanishes" over long lags is
/// a claim about this profile: the gradient of the loss with respect to
/// the input at position t is the product of one Jacobian per step from t
/// to the end. If it grows towards the first positions, the products
/// amplify (exploding); if it shrinks towards them, they damp (vanishing,
/// Bengio et al. 1994), and no clipping can bring those positions back.
public enum PositionGradient {
  /// The L2 norm of ∂loss/∂x_t over the batch and the features, for every
  /// position t of `batch.inputs` ([batch, time, features]): entry 0 is
  /// the first time step. The model's `.grad` is left cleared.
  public static func norms(model: any Module, batch: Batch, lossFunction: LossFunction) throws -> [Double] {
    let shape = batch.inputs.shape
    guard shape.count == 3 else { return [] }
    let inputs = Tensor(batch.inputs.data, shape: shape, requiresGrad: true)
    model.zeroGrad()
    defer { model.zeroGrad() }
    let loss = try lossFunction(model(inputs), batch.targets)
    try loss.backward()
    guard let gradient = inputs.grad?.data else { return [Double](repeating: 0, count: shape[1]) }
    let (time, features) = (shape[1], shape[2])
    var squares = [Double](repeating: 0, count: time)
    for (index, g) in gradient.enumerated() { squares[(index / features) % time] += g * g }
    return squares.map { $0.squareRoot() }
  }
}
