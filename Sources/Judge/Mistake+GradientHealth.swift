extension Mistake {
  /// The guide headings of exercise 7's mistakes (the others' are in
  /// `heading` itself).
  var gradientHealthHeading: String {
    switch self {
    case .agcPerTensor: return "AGC per tensor instead of per unit"
    case .agcWrongAxis: return "AGC per input instead of per output unit"
    case .agcWithoutEps: return "AGC without eps: a zero bias never trains"
    case .agcScalesUp: return "AGC scaling small gradients up"
    case .centralizedBiases: return "Centralizing the biases"
    case .centralizedWrongAxis: return "Centralizing over the wrong axis"
    case .centralizedUpdate: return "Centralizing the update instead of the gradient"
    case .loggedAfterAsBefore: return "The norm after clipping reported as the norm before"
    case .loggedBeforeAsAfter: return "The norm before clipping reported as the norm after"
    case .nanCountedAsFinite: return "NaN counted as finite"
    case .firstNonFiniteForward: return "The first non-finite parameter searched forward"
    default: return rawValue
    }
  }
}
