// With autocast off the engine must compute what it computed before
// mixed precision existed, to the last bit: the exercises 1–4, their
// graders and their demos were all measured on it.

import Autograd
import Testing

@Suite("Autocast off: the Double engine, bit for bit as before mixed precision")
struct AutocastOffTests {
  /// `EngineFingerprint.compute()` as the engine gave it before autocast
  /// rounded anything (commit f2dc9c8), on Linux x86-64 with glibc's libm:
  /// built for AVX2 and FMA, and portable (`WORKBOOK_PORTABLE=1`). Other
  /// platforms' libm may differ in the last bit of exp and log, so the
  /// figure is only pinned where it was measured.
  static var recorded: UInt64? {
    #if os(Linux) && arch(x86_64)
      #if WORKBOOK_FMA
        return 0x0D82_E6E8_FBFB_3ECB
      #else
        return 0x55B0_531C_3EDD_9273
      #endif
    #else
      return nil
    #endif
  }

  @Test("Every op, module and optimizer gives the numbers it gave before autocast existed",
    .enabled(if: recorded != nil, "the fingerprint was recorded on Linux x86-64 only"))
  func fingerprintUnchanged() throws {
    let now = try EngineFingerprint.compute()
    #expect(now == Self.recorded, "fingerprint \(String(now, radix: 16))")
  }
}
