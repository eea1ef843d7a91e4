/// clip_grad_norm_ results computed by PyTorch itself (torch 2.15.0,
/// float64), so exercise 1 is checked against the library students will
/// use, not only against this workbook's reading of its formula. Produced by:
///
///     for param, g in zip(params, grads): param.grad = torch.tensor(g)
///     total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=p)
enum PyTorchReference {
static let pytorchCases: [(grads: [[Double]], maxNorm: Double, normType: Double, total: Double, clipped: [[Double]])] = [
    ([[3.0, 4.0], [12.0]], 1.0, 2.0, 13.0, [[0.23076921301775288, 0.3076922840236705], [0.9230768520710115]]),
    ([[3.0, 4.0], [12.0]], 13.0, 2.0, 13.0, [[2.9999997692307874, 3.9999996923077163], [11.99999907692315]]),
    ([[0.5, -1.5, 2.25], [1000.0, -7.0], [0.0]], 0.3, 2.0, 1000.0282808500967, [[0.00014999575784246154, -0.00044998727352738466, 0.0006749809102910769], [0.2999915156849231, -0.0020999406097944617], [0.0]]),
    ([[0.5, -1.5, 2.25], [1000.0, -7.0], [0.0]], 2.0, .infinity, 1000.0, [[0.000999999999, -0.002999999997, 0.0044999999955], [1.999999998, -0.013999999986], [0.0]]),
    ([[0.1, -0.2], [0.05, 0.3, -0.4]], 5.0, 2.0, 0.55, [[0.1, -0.2], [0.05, 0.3, -0.4]]),
    ([[0.001, 0.002], [-0.004]], 0.0001, 1.0, 0.007, [[1.4283673760891302e-05, 2.8567347521782604e-05], [-5.713469504356521e-05]]),
  ]
}
