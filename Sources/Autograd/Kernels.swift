// Tight loops over raw buffers. At the workbook's sizes (a few thousand
// elements) the cost per operation is mostly overhead, so these avoid
// bounds checks and intermediate arrays; the target is built with -O even in
// debug builds (see Package.swift).

/// `f` applied to every element.
@inline(__always)
func mapValues(_ a: [Double], _ f: (Double) -> Double) -> [Double] {
  [Double](unsafeUninitializedCapacity: a.count) { out, initialized in
    a.withUnsafeBufferPointer { a in
      for i in 0..<a.count { out[i] = f(a[i]) }
    }
    initialized = a.count
  }
}

/// `f` applied pairwise to two arrays of equal length.
@inline(__always)
func zipValues(_ a: [Double], _ b: [Double], _ f: (Double, Double) -> Double) -> [Double] {
  [Double](unsafeUninitializedCapacity: a.count) { out, initialized in
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        for i in 0..<a.count { out[i] = f(a[i], b[i]) }
      }
    }
    initialized = a.count
  }
}

/// `f` applied elementwise to three arrays of equal length.
@inline(__always)
func zipValues(
  _ a: [Double], _ b: [Double], _ c: [Double], _ f: (Double, Double, Double) -> Double
) -> [Double] {
  [Double](unsafeUninitializedCapacity: a.count) { out, initialized in
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeBufferPointer { c in
          for i in 0..<a.count { out[i] = f(a[i], b[i], c[i]) }
        }
      }
    }
    initialized = a.count
  }
}

/// C[m×n] = A[m×k] · B[k×n], all row-major.
///
/// Every matmul of the engine, forward and backward, ends here, so this is
/// the one loop worth tuning. It computes C in tiles of 4 rows × 8 columns
/// held in registers across the whole k loop (no loads or stores of C inside
/// it), then finishes the ragged edges one row or one element at a time.
func gemm(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
  // A narrow result (a 3-class output) would run entirely in the scalar
  // edge loop; Cᵀ = Bᵀ·Aᵀ is wide and goes through the tiles instead.
  if n < 8 && m >= 16 {
    let ct = gemm(transpose2D(b, rows: k, cols: n), transpose2D(a, rows: m, cols: k), m: n, k: k, n: m)
    return transpose2D(ct, rows: n, cols: m)
  }
  return [Double](unsafeUninitializedCapacity: m * n) { c, initialized in
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        gemmKernel(a.baseAddress!, rowStride: k, columnStride: 1, b.baseAddress!, c.baseAddress!, m: m, k: k, n: n)
      }
    }
    initialized = m * n
  }
}

/// C[k×n] = Aᵀ · B for A[m×k], B[m×n] (the weight gradient of a linear
/// layer). The kernel reads A one element at a time, so it reads Aᵀ in
/// place through strides; no transposed copy is made.
func gemmTransposedA(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
  if n < 8 && k >= 16 {
    // A narrow result (a 3-class output layer): compute Cᵀ = Bᵀ · A, whose
    // rows are wide, reading Bᵀ through strides; only the small Cᵀ is
    // transposed back.
    let ct = [Double](unsafeUninitializedCapacity: n * k) { c, initialized in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          gemmKernel(b.baseAddress!, rowStride: 1, columnStride: n, a.baseAddress!, c.baseAddress!, m: n, k: m, n: k)
        }
      }
      initialized = n * k
    }
    return transpose2D(ct, rows: n, cols: k)
  }
  return [Double](unsafeUninitializedCapacity: k * n) { c, initialized in
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        gemmKernel(a.baseAddress!, rowStride: 1, columnStride: k, b.baseAddress!, c.baseAddress!, m: k, k: m, n: n)
      }
    }
    initialized = k * n
  }
}

private typealias Lane = SIMD4<Double>

/// acc + x·y, fused into one instruction where the build targets a CPU with
/// FMA (see Package.swift); elsewhere a multiply and an add, since a
/// software fma would be far slower.
@inline(__always)
private func multiplyAdd(_ acc: Lane, _ x: Lane, _ y: Lane) -> Lane {
  #if WORKBOOK_FMA
    return acc.addingProduct(x, y)
  #else
    return acc + x * y
  #endif
}

/// The tiled product. A's element (i, p) is `a[i * rowStride + p * columnStride]`,
/// so A may be a transposed view; B and C are plain row-major.
private func gemmKernel(
  _ a: UnsafePointer<Double>, rowStride: Int, columnStride: Int, _ b: UnsafePointer<Double>,
  _ c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int
) {
  @inline(__always) func aAt(_ i: Int, _ p: Int) -> Double { a[i * rowStride + p * columnStride] }
  let bBytes = UnsafeRawPointer(b), cBytes = UnsafeMutableRawPointer(c)
  @inline(__always) func loadB(_ p: Int, _ j: Int) -> Lane {
    bBytes.loadUnaligned(fromByteOffset: (p * n + j) * 8, as: Lane.self)
  }
  @inline(__always) func storeC(_ v: Lane, _ i: Int, _ j: Int) {
    cBytes.storeBytes(of: v, toByteOffset: (i * n + j) * 8, as: Lane.self)
  }
  let wide = n - n % 8
  var i = 0
  // Tiles of 4 rows × 8 columns.
  while i + 4 <= m {
    var j = 0
    while j < wide {
      var c00 = Lane(), c01 = Lane(), c10 = Lane(), c11 = Lane()
      var c20 = Lane(), c21 = Lane(), c30 = Lane(), c31 = Lane()
      for p in 0..<k {
        let b0 = loadB(p, j), b1 = loadB(p, j + 4)
        let a0 = Lane(repeating: aAt(i, p)), a1 = Lane(repeating: aAt(i + 1, p))
        let a2 = Lane(repeating: aAt(i + 2, p)), a3 = Lane(repeating: aAt(i + 3, p))
        c00 = multiplyAdd(c00, a0, b0); c01 = multiplyAdd(c01, a0, b1)
        c10 = multiplyAdd(c10, a1, b0); c11 = multiplyAdd(c11, a1, b1)
        c20 = multiplyAdd(c20, a2, b0); c21 = multiplyAdd(c21, a2, b1)
        c30 = multiplyAdd(c30, a3, b0); c31 = multiplyAdd(c31, a3, b1)
      }
      storeC(c00, i, j); storeC(c01, i, j + 4)
      storeC(c10, i + 1, j); storeC(c11, i + 1, j + 4)
      storeC(c20, i + 2, j); storeC(c21, i + 2, j + 4)
      storeC(c30, i + 3, j); storeC(c31, i + 3, j + 4)
      j += 8
    }
    i += 4
  }
  // Remaining rows, 8 columns at a time.
  while i < m {
    var j = 0
    while j < wide {
      var c0 = Lane(), c1 = Lane()
      for p in 0..<k {
        let ap = Lane(repeating: aAt(i, p))
        c0 = multiplyAdd(c0, ap, loadB(p, j)); c1 = multiplyAdd(c1, ap, loadB(p, j + 4))
      }
      storeC(c0, i, j); storeC(c1, i, j + 4)
      j += 8
    }
    i += 1
  }
  // Remaining columns (all of them when n < 8, e.g. a 3-class output).
  if wide < n {
    for i in 0..<m {
      for j in wide..<n { c[i * n + j] = 0 }
      for p in 0..<k {
        let aip = aAt(i, p)
        for j in wide..<n { c[i * n + j] += aip * b[p * n + j] }
      }
    }
  }
}

/// The transpose of a row-major [rows × cols] matrix.
func transpose2D(_ a: [Double], rows: Int, cols: Int) -> [Double] {
  [Double](unsafeUninitializedCapacity: rows * cols) { out, initialized in
    a.withUnsafeBufferPointer { a in
      for i in 0..<rows {
        for j in 0..<cols { out[j * rows + i] = a[i * cols + j] }
      }
    }
    initialized = rows * cols
  }
}

// MARK: - Broadcasting

/// NumPy's rule: align shapes at the right; each pair of sizes must be equal
/// or one of them 1. Returns nil when they do not fit.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
  let rank = max(a.count, b.count)
  let a = [Int](repeating: 1, count: rank - a.count) + a
  let b = [Int](repeating: 1, count: rank - b.count) + b
  var out: [Int] = []
  for (x, y) in zip(a, b) {
    guard x == y || x == 1 || y == 1 else { return nil }
    out.append(x == 1 ? y : x)
  }
  return out
}

/// Row-major strides of `shape` seen from `target` (right-aligned), with 0
/// where `shape` is broadcast.
private func broadcastStrides(_ shape: [Int], in target: [Int]) -> [Int] {
  let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
  var strides = [Int](repeating: 0, count: target.count)
  var step = 1
  for axis in stride(from: target.count - 1, through: 0, by: -1) {
    strides[axis] = padded[axis] == 1 ? 0 : step
    step *= padded[axis]
  }
  return strides
}

/// Calls `body(outIndex, sourceIndex)` for every element of `target`,
/// where `sourceIndex` is the matching element of a tensor of `shape`
/// broadcast to `target`.
@inline(__always)
private func forEachBroadcast(_ shape: [Int], to target: [Int], _ body: (Int, Int) -> Void) {
  let strides = broadcastStrides(shape, in: target)
  let total = target.reduce(1, *)
  guard total > 0 else { return }
  var counter = [Int](repeating: 0, count: target.count)
  var source = 0
  for out in 0..<total {
    body(out, source)
    var axis = target.count - 1
    while axis >= 0 {
      counter[axis] += 1
      source += strides[axis]
      if counter[axis] < target[axis] { break }
      source -= strides[axis] * counter[axis]
      counter[axis] = 0
      axis -= 1
    }
  }
}

/// The values of a tensor of `shape` repeated to fill `target`.
func expand(_ values: [Double], from shape: [Int], to target: [Int]) -> [Double] {
  if shape == target { return values }
  let total = target.reduce(1, *)
  if values.count == 1 { return [Double](repeating: values[0], count: total) }
  // A shape that matches the trailing axes of `target` (after leading 1s),
  // such as a bias row over a batch, is plain repetition.
  let core = Array(shape.drop(while: { $0 == 1 }))
  if Array(target.suffix(core.count)) == core {
    var out: [Double] = []
    out.reserveCapacity(total)
    for _ in 0..<(total / max(values.count, 1)) { out.append(contentsOf: values) }
    return out
  }
  var out = [Double](repeating: 0, count: total)
  values.withUnsafeBufferPointer { v in
    out.withUnsafeMutableBufferPointer { o in
      forEachBroadcast(shape, to: target) { i, j in o[i] = v[j] }
    }
  }
  return out
}

/// The gradient of a broadcast: sums `grad` (of `target`'s shape) over every
/// axis along which a tensor of `shape` was repeated.
func reduceToShape(_ grad: [Double], from target: [Int], to shape: [Int]) -> [Double] {
  if shape == target { return grad }
  let count = shape.reduce(1, *)
  var out = [Double](repeating: 0, count: count)
  if count == 1 {
    out[0] = grad.reduce(0, +)
    return out
  }
  // A bias row repeated over the batch: add up the rows.
  let core = Array(shape.drop(while: { $0 == 1 }))
  if Array(target.suffix(core.count)) == core {
    grad.withUnsafeBufferPointer { g in
      out.withUnsafeMutableBufferPointer { o in
        for row in 0..<(g.count / count) {
          let base = row * count
          for j in 0..<count { o[j] += g[base + j] }
        }
      }
    }
    return out
  }
  grad.withUnsafeBufferPointer { g in
    out.withUnsafeMutableBufferPointer { o in
      forEachBroadcast(shape, to: target) { i, j in o[j] += g[i] }
    }
  }
  return out
}
