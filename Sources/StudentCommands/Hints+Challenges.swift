import Harness

extension Hints {
  /// The hints once an exercise passes: its Challenge, as a prediction to
  /// make and the command that tests it.
  public static func challenge(for exercise: Exercise) -> HintGroup {
    HintGroup("Challenge", challenges[exercise] ?? [])
  }

  static let challenges: [Exercise: [String]] = [
    .ex1: [
      """
      Every check passes: on to the Challenge. How does the threshold change \
      the exploding RNN's training? Predict in a sentence which of maxNorm \
      0.1, 1, 5 and 20 diverges and which ends lowest, then run `swift run \
      workbook run ex1 --sweep` and compare.
      """,
      """
      Does clipping still cap the step with momentum, whose velocity keeps \
      adding clipped gradients? Predict it, then run `swift run workbook run \
      ex1 --momentum 0.9 --threshold 5`.
      """,
      """
      Longer sequences change the problem. Predict what clipping can and \
      cannot fix at T = 50, then run `swift run workbook run ex1 --length 50` \
      and read the guide's Challenge section.
      """,
    ],
    .ex2: [
      """
      Every check passes: on to the Challenge. Predict, in degrees, how far \
      value clipping with clipValue 1 turns [3, 4], and whether norm clipping \
      turns it at all; then run `swift run workbook run ex2 --svg ex2.svg` and \
      look at the picture.
      """,
      """
      Where would you still choose value clipping? Predict which run of `swift \
      run workbook run ex2` keeps its gradient's direction, then read the \
      angle chart.
      """,
    ],
    .ex3: [
      """
      Every check passes: on to the Challenge. Without dividing the loss, how \
      long is each step compared with the large batch's? Predict the factor, \
      then run `swift run workbook run ex3 --no-scaling`.
      """,
      """
      Predict how the small batch alone compares with accumulation over the \
      same number of steps, then run `swift run workbook run ex3` and read the \
      loss chart.
      """,
    ],
    .ex4: [
      """
      Every check passes: on to the Challenge. If you clipped after every \
      micro-batch's backward(), which way would the step turn? Predict, then \
      run `swift run workbook run ex4` and read the toy and the angle chart.
      """,
      """
      Would multiplying maxNorm by accumulationSteps make clipping inside the \
      loop right? Predict, then work the arithmetic in the guide's Challenge \
      section.
      """,
    ],
    .ex5: [
      """
      Every check passes: on to the Challenge. Predict what share of the \
      gradient's entries float16 loses without a scale late in training, \
      then run `swift run workbook run ex5` and read the underflow chart.
      """,
      """
      When the scaler backs off, which gradient overflowed: the loss's, the \
      output layer's, or another, and in the forward or the backward pass? \
      Predict, then read the paragraph under the table of `run ex5`.
      """,
      """
      The bfloat16 run has no scaler at all. Predict how many entries it \
      loses to 0, and why, from its bits (the guide's table), then compare \
      with the table of `run ex5`.
      """,
      """
      What happens if you clip before unscaling? Predict, then run `swift run \
      workbook run ex5 --clip-before-unscale`.
      """,
    ],
    .ex6: [
      """
      Every check passes: on to the Challenges. How far from the large \
      batch's step is the mean of the micro-batches' token means: 1 %, 10 %, \
      more? Predict, then run `swift run workbook run ex6 --seeds 1-20`.
      """,
      """
      What does no_sync save? Predict how many gradient all-reduces 25 steps \
      of 4 micro-steps need with it and without it, then run `swift run \
      workbook run ex6`.
      """,
      """
      Will BatchNorm under accumulation take the large batch's step, and \
      LayerNorm? Predict both, then run `swift run workbook run ex6 --norm \
      batch` and `--norm layer`.
      """,
    ],
    .ex7: [
      """
      Every check passes: on to the Challenge. When the unclipped run's \
      gradient turns NaN, which layer will the report name first: the output \
      layer, the input layer, or one in between? Predict, then run `swift run \
      workbook run ex7`.
      """,
      """
      Which runs train, and how do global clipping and AGC compare? Predict, \
      then run `swift run workbook run ex7 --seeds 1-10`.
      """,
      """
      How large should AGC's clipping be? Predict whether 0.1 trains better \
      or worse than 0.01, then run `swift run workbook run ex7 --clipping 0.1`.
      """,
    ],
  ]
}
