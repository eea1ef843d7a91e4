import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("Demo: exercise 5, mixed precision")
struct DemoMixedPrecisionTests {
  static let run = Result { try DemoFixture.run(.ex5) { $0.clipBeforeUnscale = true } }


  @Test("Without a scale, half precision loses gradient entries to 0; the dynamic scale keeps them")
  func underflow() throws {
    let run = try Self.run.get()
    #expect(try run.value("unscaledLateUnderflow") > 0.05)
    #expect(try run.value("scaledLateUnderflow") < 0.005)
    #expect(try run.value("doubleLateUnderflow") == 0)
  }

  @Test("The scaler grows, overflows, skips and backs off")
  func scaler() throws {
    let run = try Self.run.get()
    #expect(try run.value("scaledSkipped") >= 1)
    #expect(try run.value("unscaledSkipped") == 0)
    #expect(try run.value("finalScale") > 65536)
  }

  @Test("bfloat16 loses no entry to 0 without a scale, and skips nothing")
  func bfloat16() throws {
    let run = try Self.run.get()
    #expect(try run.value("bfloat16LateUnderflow") < 0.005)
    #expect(try run.value("bfloat16Skipped") == 0)
  }

  @Test("Every skip is traced to where it overflowed: the backward pass, here")
  func overflowSource() throws {
    let run = try Self.run.get()
    #expect(try run.value("overflowsInBackward") == run.value("scaledSkipped"))
    #expect(try run.value("overflowsInForward") == 0)
  }

  @Test("All four runs train; their final losses are reported")
  func losses() throws {
    let run = try Self.run.get()
    for key in ["double", "unscaled", "scaled", "bfloat16"] {
      let loss = try run.value("\(key)TestLoss")
      #expect(loss.isFinite && loss < 0.01, "\(key): \(loss)")
    }
  }

  @Test("Clipping before unscaling fires at maxNorm / scale")
  func clipBeforeUnscale() throws {
    let run = try Self.run.get()
    #expect(abs(try run.value("clipWrongNorm") - 1 / 65536) < 1e-12)
  }

  @Test("Every line fits 80 columns")
  func width() throws {
    let run = try Self.run.get()
    #expect(run.lines.allSatisfy { $0.count <= 80 }, "\(run.lines.filter { $0.count > 80 })")
  }
}
