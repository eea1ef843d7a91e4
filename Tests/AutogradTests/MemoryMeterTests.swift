// The memory meter is what makes gradient accumulation visible: activation
// memory grows with the batch, is freed by backward(), and a budget turns
// "too big a batch" into an error that suggests micro-batches.

import Autograd
import Testing

enum MemoryFixture {
  /// Forward + backward of a 2→64→64→3 MLP on `batch` points inside
  /// `meter.measure {}`; returns the meter's reading right after backward,
  /// while the loss tensor is still alive.
  static func forwardBackward(batch: Int, meter: MemoryMeter) throws -> (afterBackward: Int, loss: Double) {
    var rng = SplitMix64(seed: 77)
    let model = MLP([2, 64, 64, 3], activation: .tanh, rng: &rng)
    let x = Tensor.randn([batch, 2], rng: &rng)
    let labels = Tensor((0..<batch).map { Double($0 % 3) })
    return try meter.measure {
      let loss = try softmaxCrossEntropy(model(x), labels)
      try loss.backward()
      return (meter.currentBytes, loss.item())
    }
  }

  static func peak(batch: Int) throws -> Int {
    let meter = MemoryMeter()
    _ = try forwardBackward(batch: batch, meter: meter)
    return meter.peakBytes
  }
}

@Suite("Memory meter")
struct MemoryMeterTests {
  @Test("peak activation bytes grow with the batch: batch 256 needs 4× batch 64, within 10 %")
  func peakScalesWithBatch() throws {
    let small = try MemoryFixture.peak(batch: 64)
    let big = try MemoryFixture.peak(batch: 256)
    #expect(small > 0)
    let ratio = Double(big) / Double(small)
    #expect(abs(ratio - 4) <= 0.4, "peak \(big) B at batch 256 vs \(small) B at batch 64: ratio \(ratio)")
    // Every recorded output is counted: two Linear and two tanh outputs of
    // [B, 64], the logits [B, 3], the loss. (A Linear is one op, as
    // PyTorch's `linear` is: its product is not kept apart from the sum.)
    #expect(small == (64 * (4 * 64 + 3) + 1) * 8)
  }

  @Test("current bytes return to 0 after backward, and after dropping an unused graph")
  func releasesMemory() throws {
    let meter = MemoryMeter()
    let (afterBackward, _) = try MemoryFixture.forwardBackward(batch: 64, meter: meter)
    #expect(afterBackward == 0)
    #expect(meter.currentBytes == 0)

    var rng = SplitMix64(seed: 1)
    let model = MLP([2, 64, 64, 3], rng: &rng)
    let x = Tensor.randn([64, 2], rng: &rng)
    var output: Tensor? = try meter.measure { try model(x).sum() }
    #expect(meter.currentBytes > 0)
    #expect(output != nil)
    output = nil
    #expect(meter.currentBytes == 0)
  }

  @Test("resetPeak starts a new measurement from what is alive")
  func resetPeak() throws {
    let meter = MemoryMeter()
    _ = try MemoryFixture.forwardBackward(batch: 64, meter: meter)
    #expect(meter.peakBytes > 0)
    meter.resetPeak()
    #expect(meter.peakBytes == 0)
  }

  @Test("a budget too small for the big batch throws outOfMemory suggesting micro-batches; the small batch fits")
  func budget() throws {
    let small = try MemoryFixture.peak(batch: 64)
    let big = try MemoryFixture.peak(batch: 256)
    let meter = MemoryMeter(budget: (small + big) / 2)

    let error = #expect(throws: TensorError.self) { _ = try MemoryFixture.forwardBackward(batch: 256, meter: meter) }
    guard case .outOfMemory(_, let needed, let budget)? = error else {
      Issue.record("expected outOfMemory, got \(String(describing: error))")
      return
    }
    #expect(needed > budget)
    #expect(budget == (small + big) / 2)
    let text = try #require(error).description
    #expect(text.contains("out of memory"))
    #expect(text.contains("micro-batch"))
    // The partial graph went away with the error.
    #expect(meter.currentBytes == 0)

    // Four micro-batches of 64 fit where one batch of 256 did not.
    for _ in 0..<4 {
      let (afterBackward, loss) = try MemoryFixture.forwardBackward(batch: 64, meter: meter)
      #expect(afterBackward == 0)
      #expect(loss.isFinite)
    }
    #expect(meter.peakBytes <= (small + big) / 2)
  }

  @Test("measure only charges the graphs recorded inside it")
  func measureScopes() throws {
    let outer = MemoryMeter(), inner = MemoryMeter()
    let w = Tensor.ones([10], requiresGrad: true)
    let kept = try outer.measure { () throws -> (Tensor, Tensor) in
      let a = try w * 2.0  // 80 bytes to outer
      let b = try inner.measure { try w * 3.0 }  // 80 bytes to inner
      return (a, b)
    }
    #expect(outer.currentBytes == 80)
    #expect(inner.currentBytes == 80)
    _ = kept
  }

  @Test("format uses decimal units", arguments: [(96, "96 B"), (512_000, "512.0 KB"), (12_600_000, "12.6 MB"), (3_000_000_000, "3.0 GB")])
  func format(_ bytes: Int, _ text: String) {
    #expect(MemoryMeter.format(bytes) == text)
  }
}
