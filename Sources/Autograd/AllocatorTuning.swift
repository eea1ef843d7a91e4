#if os(Linux) && canImport(Glibc)
  import Glibc
#endif

/// Keeps glibc from returning activation buffers to the OS after every step.
///
/// A [256, 64] activation is exactly 128 KiB, glibc's default threshold for
/// serving an allocation with its own mmap. Each training step then maps
/// fresh pages and faults them in again, which cost W1 (the MLP benchmark)
/// almost half its time. Raising the mmap and trim thresholds lets freed
/// buffers be reused. Elsewhere (macOS, musl, Windows) this does nothing:
/// `mallopt` is glibc's, and so is looking it up with a null `dlsym`
/// handle, so both are compiled on Linux with glibc only.
enum AllocatorTuning {
  static let applied: Bool = {
    #if os(Linux) && canImport(Glibc)
      // mallopt is not exported by Swift's Glibc module; look it up.
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
      return mallopt(mmapThreshold, 64 << 20) == 1 && mallopt(trimThreshold, 256 << 20) == 1
    #else
      return false
    #endif
  }()
}
