import Foundation
import GRDB
import ShiplogStore
import Testing

/// ``StoreError`` says what went wrong in a sentence, and keeps the database's own error as its
/// cause rather than flattening it; errors that say the same thing are equal whatever the cause.
@Suite struct StoreErrorTests {
    @Test func aStoreThatCannotBeOpenedKeepsTheDatabaseErrorAsItsCause() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-folder-\(UUID())/store.sqlite").path
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a store in a missing folder opened")
        } catch {
            #expect(error.code == .database)
            #expect(error.message.hasPrefix("cannot open \(path): "))
            #expect(error.cause is DatabaseError)
            #expect(error.description.hasPrefix("database error: cannot open"))
        }
    }

    @Test func errorsAreComparedByWhatTheySayNotByTheirCause() {
        struct Driver: Error {}
        #expect(StoreError.database("lost", cause: Driver()) == StoreError.database("lost"))
        #expect(StoreError.notFound("page \"a\"") != StoreError.conflict("page \"a\""))
        #expect(StoreError.invalid(field: "force", message: "frozen").description == "force: frozen")
        #expect(StoreError.notFound("page \"a\"").description == "page \"a\" not found")
        var codes = Set<StoreError.Code>()
        for error in [StoreError.notFound("x"), .conflict("x"), .invalid(field: "f", message: "x"), .database("x")] { codes.insert(error.code) }
        #expect(codes.count == 4)
    }
}
