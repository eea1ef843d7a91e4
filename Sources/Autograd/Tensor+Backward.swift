extension Tensor {
  /// Computes the gradient of this tensor with respect to every leaf that
  /// requires one, and adds it into each leaf's `grad`.
  ///
  /// Adding (not overwriting) is what PyTorch does and what gradient
  /// accumulation relies on: call `backward()` on several losses and the
  /// leaves hold the sum. Call `zeroGrad()` to start afresh.
  ///
  /// The graph is freed afterwards, as with PyTorch's default
  /// `retain_graph=False`, which releases its activation memory.
  ///
  /// - Parameter gradient: the gradient of some scalar with respect to this
  ///   tensor; may be omitted for a one-element tensor (it is then 1).
  /// - Throws: `TensorError.backwardFailed` if this tensor does not require a
  ///   gradient, needs a `gradient` argument of its shape, or its graph was
  ///   already freed by an earlier backward pass.
  public func backward(gradient: Tensor? = nil) throws {
    guard requiresGrad else {
      throw TensorError.backwardFailed(
        "this tensor does not require a gradient (no input of its graph has requiresGrad = true, or it was made inside noGrad)")
    }
    let seed: [Double]
    if let gradient {
      guard gradient.shape == shape else {
        throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: gradient.shape, detail: "the gradient must have the tensor's shape")
      }
      seed = dtype.round(gradient.data)
    } else {
      guard count == 1 else {
        throw TensorError.backwardFailed("a tensor of shape \(shape) needs a gradient argument; only one-element tensors seed with 1")
      }
      // 1 in any type: a loss's own gradient is never rounded away.
      seed = [1]
    }

    BackwardHook.current?()
    let order = try topologicalOrder()
    var pending: [ObjectIdentifier: [Double]] = [ObjectIdentifier(self): seed]
    for tensor in order.reversed() {
      guard let upstream = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
      guard let node = tensor.node else {
        tensor.accumulateGrad(upstream)
        continue
      }
      if tensor.retainsGrad { tensor.accumulateGrad(upstream) }
      for (input, inputGrad) in zip(node.inputs, node.backward(upstream)) where input.requiresGrad {
        guard let inputGrad else { continue }
        // The op's backward produces its gradients in the type it ran in
        // (a float16 matmul's dW too); an input of another type gets its
        // gradient in its own type, as the cast autocast put before the op
        // converts it back. Both are no-ops in float32.
        let grad = input.dtype.round(node.dtype.round(inputGrad))
        let key = ObjectIdentifier(input)
        if var sum = pending.removeValue(forKey: key) {
          // Gradients from several uses add up in the input's own type.
          addInPlace(&sum, grad)
          pending[key] = input.dtype.round(sum)
        } else {
          pending[key] = grad
        }
      }
      tensor.node = nil
      tensor.graphReleased = true
    }
  }

  /// Post-order of the graph below this tensor (inputs before outputs), by an
  /// explicit stack: a 10,000-step recurrence must not overflow the call stack.
  private func topologicalOrder() throws -> [Tensor] {
    var order: [Tensor] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(tensor: Tensor, expanded: Bool)] = [(self, false)]
    while let (tensor, expanded) = stack.popLast() {
      if expanded {
        order.append(tensor)
        continue
      }
      guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
      if tensor.graphReleased && tensor.node == nil {
        throw TensorError.backwardFailed(
          "part of this graph was already freed by an earlier backward(); compute the forward pass again before calling backward() a second time")
      }
      stack.append((tensor, true))
      for input in tensor.node?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
        stack.append((input, false))
      }
    }
    return order
  }

  /// Adds a gradient into `.grad`, in Double: a parameter is float32, and
  /// its gradient adds up over micro-batches in float32, whatever type the
  /// ops that produced it ran in. (A retained gradient of a low-precision
  /// activation stays in its tensor's type.)
  private func accumulateGrad(_ upstream: [Double]) {
    if let grad {
      addInPlace(&grad.data, upstream)
      if dtype != .float32 { grad.data = dtype.round(grad.data) }
    } else {
      grad = Tensor(upstream, shape: shape)
    }
  }
}

@inline(__always)
func addInPlace(_ sum: inout [Double], _ other: [Double]) {
  sum.withUnsafeMutableBufferPointer { s in
    other.withUnsafeBufferPointer { o in
      for i in 0..<s.count { s[i] += o[i] }
    }
  }
}
