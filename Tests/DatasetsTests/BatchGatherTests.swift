import Autograd
import Testing
@testable import Datasets

@Suite("Gathering a batch from a data set")
struct BatchGatherTests {
  /// A tensor of shape [5] + trailing whose sample s holds s·100 + k at its
  /// k-th value, so a gathered row shows which sample it came from.
  static func tagged(_ trailing: [Int]) -> Tensor {
    let width = trailing.reduce(1, *)
    return Tensor((0..<(5 * width)).map { Double(($0 / width) * 100 + $0 % width) }, shape: [5] + trailing)
  }

  @Test("batch(_:) gathers whole samples along axis 0 in the given order", arguments: [[], [3], [2, 4]])
  func gather(trailing: [Int]) throws {
    let set = try Dataset(inputs: Self.tagged(trailing), targets: Self.tagged([1]))
    let indices = [4, 0, 2, 2]
    let batch = set.batch(indices)
    let width = trailing.reduce(1, *)
    #expect(batch.count == 4)
    #expect(batch.inputs.shape == [4] + trailing)
    #expect(batch.targets.shape == [4, 1])
    #expect(batch.inputs.data == indices.flatMap { s in (0..<width).map { Double(s * 100 + $0) } })
    #expect(batch.targets.data == indices.map { Double($0 * 100) })
  }

  @Test("an empty index list gives an empty batch of the right shape")
  func empty() throws {
    let set = try Dataset(inputs: Self.tagged([2, 3]), targets: Self.tagged([]))
    let batch = set.batch([])
    #expect(batch.count == 0)
    #expect(batch.inputs.shape == [0, 2, 3])
    #expect(batch.targets.shape == [0])
  }

  @Test("a batch is a copy: writing to it leaves the data set alone")
  func copies() throws {
    let set = try Dataset(inputs: Self.tagged([2]), targets: Self.tagged([]))
    let batch = set.batch([1])
    batch.inputs.data[0] = -1
    #expect(set.inputs.data[2] == 100)
  }

  @Test("data never requires gradients, even from tensors that did")
  func noGrad() throws {
    let set = try Dataset(
      inputs: Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true), targets: Tensor([0, 1], requiresGrad: true))
    #expect(!set.inputs.requiresGrad && !set.targets.requiresGrad)
    let batch = set.batch([1, 0])
    #expect(!batch.inputs.requiresGrad && !batch.targets.requiresGrad)
  }

  @Test("inputs and targets with different sample counts are rejected, naming the shapes")
  func mismatch() throws {
    let error = #expect(throws: DatasetError.self) {
      try Dataset(inputs: .zeros([4, 2]), targets: .zeros([3]), name: "bad")
    }
    #expect(error?.description.contains("[4, 2]") == true && error?.description.contains("[3]") == true)
    #expect(throws: DatasetError.self) { try Dataset(inputs: Tensor(scalar: 1), targets: Tensor(scalar: 1)) }
    #expect(throws: DatasetError.self) { try Batch(inputs: .zeros([2]), targets: .zeros([3, 1])) }
  }
}
