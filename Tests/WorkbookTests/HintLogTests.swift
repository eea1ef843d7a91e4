import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("The hint counter")
struct HintLogTests {
  @Test("Each request shows one more hint, then keeps showing the last")
  func counts() {
    var log = HintLog()
    let shown = (0..<5).map { _ in log.next(for: .ex3, total: 3) }
    #expect(shown == [0, 1, 2, 2, 2])
    #expect(log.shown == ["ex3": 3])
  }

  @Test("Exercises count separately")
  func separate() {
    var log = HintLog()
    _ = log.next(for: .ex1, total: 4)
    _ = log.next(for: .ex1, total: 4)
    #expect(log.next(for: .ex2, total: 4) == 0)
    #expect(log.next(for: .ex1, total: 4) == 2)
  }

  @Test("Reset starts one exercise, or all, over", arguments: [Exercise.ex1, nil])
  func reset(_ exercise: Exercise?) {
    var log = HintLog(shown: ["ex1": 2, "ex2": 1])
    log.reset(exercise)
    #expect(log.shown == (exercise == nil ? [:] : ["ex2": 1]))
  }

  @Test("The count survives a save and a load, creating the folder")
  func roundTrip() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hints-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = HintStore(url: folder.appendingPathComponent(".build/workbook-hints.json"))
    #expect(store.load() == HintLog())
    var log = store.load()
    _ = log.next(for: .ex4, total: 2)
    try store.save(log)
    #expect(store.load().shown == ["ex4": 1])
  }

  @Test("An unreadable file starts the count over instead of failing")
  func corrupt() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hints-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("not json".utf8).write(to: url)
    #expect(HintStore(url: url).load() == HintLog())
  }

  @Test("A hint is printed with its number and what to do next")
  func rendering() {
    let hints = ["First.", "Second."]
    let first = HintCommand.render(.ex3, hints, index: 0, paint: Paint(enabled: false), width: 80)
    #expect(first[0] == "Hint 1 of 2 for ex3 (Gradient accumulation with loss scaling):")
    #expect(first[2] == "  First.")
    #expect(first.last == "Still stuck? Run `swift run workbook hint ex3` again for the next hint.")
    let last = HintCommand.render(.ex3, hints, index: 1, paint: Paint(enabled: false), width: 80)
    #expect(last.contains { $0.hasPrefix("That was the last hint.") })
  }
}
