// Publishing from outside the consumer's batches (an HTTP callback): the outbox rows and the caller's own writes in one
// transaction, then out through the relay.
import Foundation
import GRDB
import Store

extension ServiceRuntime {
    /// Commits `messages` (QoS 1) with whatever `also` writes, then sends them. Throws when the store fails: nothing is
    /// published then, and the caller answers with an error so the sender tries again.
    public func publish(_ messages: [(topic: String, payload: Data)], also: (Database) throws -> Void = { _ in }) throws {
        let produced = try store.write { db -> [OutboxMessage] in
            try also(db)
            return try messages.map { try Outbox.enqueue(db, topic: $0.topic, payload: $0.payload) }
        }
        relay.send(produced)
    }
}
