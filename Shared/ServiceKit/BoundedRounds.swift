// Housekeeping in bounded write transactions: the consumer's batches never wait long for the writer.
import GRDB
import Logging
import Store

public enum BoundedRounds {
    /// Runs `round` (given the batch size, returning how many rows it deleted or moved) in write transactions of
    /// its own until one touches fewer than `batch` rows. A failure is logged and left for the next run. Returns the
    /// rows touched in all.
    @discardableResult
    public static func run(_ store: Store, batch: Int, what: String, logger: Logger,
                           _ round: (Database, Int) throws -> Int) -> Int {
        var total = 0
        do {
            while true {
                let touched = try store.write { try round($0, batch) }
                total += touched
                if touched < batch { break }
            }
        } catch {
            logger.warning("could not prune \(what), trying again later: \(error)")
        }
        return total
    }
}
