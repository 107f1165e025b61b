// The loop thread: the only code that touches the mosquitto handle.
internal import CMosquitto
import Foundation
import Logging

/// Everything here runs on the loop thread (or in `prepare()`, before that thread starts), so the
/// mutable state needs no lock; other threads reach the loop only through `MQTTMailbox`.
///
/// One round of the loop: connect if due, hand queued publishes to libmosquitto, write, poll, read
/// a batch, commit it through the sink, then (next round) write the PUBACKs. With
/// `mosquitto_threaded_set(true)` libmosquitto only queues the PUBACK of an incoming message, so
/// nothing is acknowledged before the sink returned.
final class MQTTLoop: @unchecked Sendable {
    enum Phase {
        /// No socket; the next attempt is due at `retryAt` (monotonic seconds).
        case idle(retryAt: Double)
        /// CONNECT queued, waiting for CONNACK since `since`.
        case connecting(since: Double)
        /// CONNACK accepted, SUBACK pending.
        case connected
        /// Subscribed; `isConnected` is true.
        case ready
    }

    enum Stopping {
        case no
        /// Waiting for queued and in-flight publishes to be acknowledged.
        case draining(deadline: Double)
        /// Waiting for the PUBACK of the retained "offline" status.
        case sayingOffline(mid: Int32, until: Double)
        /// DISCONNECT queued, waiting for libmosquitto to close the socket.
        case disconnecting(until: Double)
    }

    struct InFlight {
        let topic: String
        let token: Int64?
        let qos: Int
        /// false for our own status messages, which `pendingPublishes` does not count.
        let fromCaller: Bool
        /// Kept for publishes that must find a subscriber (`MQTTPublish.needsSubscriber`), to send them again.
        var publish: MQTTPublish? = nil
        /// A held publish sent to find out whether its topic has a subscriber again.
        var isProbe = false
    }

    let settings: MQTTSettings
    let subscriptions: [String]
    let logger: Logger
    let mailbox: MQTTMailbox
    let wake: WakeUpPipe
    weak var sink: MQTTSink?
    /// false for the publishing connection of a client that publishes on a connection of its own
    /// (`MQTTSettings.publishesOnOwnConnection`): its connects are not the client's.
    var reportsConnected = true

    var handle: OpaquePointer?
    private var connectProperties: OpaquePointer?
    private var connectCalled = false
    var phase: Phase = .idle(retryAt: 0)
    var stopping: Stopping = .no
    var backoff: ReconnectBackoff
    /// Set while the sink throws, so reconnecting keeps backing off instead of hammering a full disk.
    var sinkFailing = false

    /// mid → publish, across reconnects: with a persistent session libmosquitto resends these itself.
    var inflight: [Int32: InFlight] = [:]
    var deliveredTokens: [Int64] = []
    var refusedPublishes: [MQTTRefusal] = []
    /// Still counted as pending (the caller's token is not reported) until a subscriber took them.
    var waitingForSubscriber = SubscriberWait()
    var finishedCount = 0

    var batch: [MQTTMessage] = []
    /// While dropping a connection, messages still read from the socket are not stored (nor acked).
    var discardingIncoming = false
    var connackArrived = false
    var sessionPresent = false
    /// SUBSCRIBEs sent on this connection and not yet answered, with their filters (for the log of a refusal).
    var pendingSubscribes: [Int32: [String]] = [:]
    var subackArrived = false
    /// A roll call arrived (`MQTTPresence`): the announcement and "online" go out again after this read.
    var rollCallHeard = false

    init(settings: MQTTSettings, subscriptions: [String], logger: Logger, mailbox: MQTTMailbox, wake: WakeUpPipe) {
        self.settings = settings
        self.subscriptions = subscriptions
        self.logger = logger
        self.mailbox = mailbox
        self.wake = wake
        self.backoff = ReconnectBackoff(minimum: settings.reconnectDelayMin, maximum: settings.reconnectDelayMax)
    }

    private static let libraryInitialized: Int32 = mosquitto_lib_init()

    /// Creates and configures the handle; runs on the caller of `MQTTClient.start()`.
    func prepare() throws {
        try check(MQTTLoop.libraryInitialized, "initialising libmosquitto")
        let clientID = settings.clientID.isEmpty ? nil : settings.clientID
        guard let handle = mosquitto_new(clientID, settings.cleanSession, Unmanaged.passUnretained(self).toOpaque()) else {
            throw MQTTError(code: MOSQ_ERR_NOMEM.rawValue, message: "cannot create a libmosquitto handle")
        }
        self.handle = handle
        do {
            try configure(handle)
        } catch {
            mosquitto_destroy(handle)
            self.handle = nil
            mosquitto_property_free_all(&connectProperties)
            throw error
        }
    }

    private func configure(_ handle: OpaquePointer) throws {
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5), "selecting MQTT v5")
        // Queue PUBACKs instead of writing them from inside the read: this is what makes ack-after-commit possible.
        try check(mosquitto_threaded_set(handle, true), "selecting the external loop")
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "setting TCP_NODELAY")
        try check(mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(settings.receiveMaximum)), "setting the receive maximum")
        try check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(settings.sendMaximum)), "setting the send maximum")
        if let username = settings.username {
            try check(mosquitto_username_pw_set(handle, username, settings.password), "setting the username")
        }
        if let tls = settings.tls {
            try configureTLS(handle, tls)
        }
        if let statusTopic = settings.statusTopic {
            let offline = Array("offline".utf8)
            try check(mosquitto_will_set_v5(handle, statusTopic, Int32(offline.count), offline, 1, true, nil),
                      "setting the last will on \(statusTopic)")
        }
        if !settings.cleanSession {
            // MQTT v5 drops the session at disconnect unless CONNECT asks the broker to keep it.
            try check(mosquitto_property_add_int32(&connectProperties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                                                   settings.sessionExpiry), "setting the session expiry")
        }
        installCallbacks(handle)
    }

    private func configureTLS(_ handle: OpaquePointer, _ tls: MQTTTLS) throws {
        // A key without its certificate (or the reverse) is refused by libmosquitto; say which file is missing.
        if (tls.certFile == nil) != (tls.keyFile == nil) {
            throw MQTTError(code: MOSQ_ERR_INVAL.rawValue, message: "a client certificate needs both a certificate file and a key file")
        }
        try check(mosquitto_tls_set(handle, tls.caFile, tls.caFile == nil ? MQTTTLS.systemCAPath : nil, tls.certFile, tls.keyFile, nil),
                  "setting up TLS (CA \(tls.caFile ?? MQTTTLS.systemCAPath))")
        // 1 = SSL_VERIFY_PEER: the broker's certificate must chain to a trusted CA. TLS 1.2 at least.
        try check(mosquitto_tls_opts_set(handle, 1, "tlsv1.2", nil), "setting the TLS options")
        try check(mosquitto_tls_insecure_set(handle, !tls.verifyHostname), "setting hostname verification")
        if !tls.verifyHostname {
            logger.warning("TLS hostname verification is off: any certificate of the CA is taken for the broker's",
                           metadata: ["broker": "\(settings.endpoint)"])
        }
    }

    var socketFD: Int32 {
        guard let handle else { return -1 }
        return mosquitto_socket(handle)
    }

    var isLinkUp: Bool {
        switch phase {
        case .connected, .ready: return true
        case .idle, .connecting: return false
        }
    }

    func run() {
        while true {
            if case .no = stopping, let deadline = mailbox.requestedStop {
                stopping = .draining(deadline: deadline)
            }
            connectIfDue()
            checkConnectTimeout()
            feedPublishes()
            if case .no = stopping {} else if advanceShutdown() {
                break
            }
            flush()
            report()
            waitAndRead()
            if socketFD >= 0 {
                _ = mosquitto_loop_misc(handle)
            }
        }
        teardown()
    }

    private func connectIfDue() {
        guard case .idle(let retryAt) = phase, monotonicSeconds() >= retryAt else { return }
        switch stopping {
        case .no: break
        case .draining:
            // Reconnect during shutdown only to deliver what is still owed to the broker.
            guard mailbox.pending > 0 || !inflight.isEmpty else { return }
        case .sayingOffline, .disconnecting:
            return
        }
        let rc: Int32
        if connectCalled {
            rc = mosquitto_reconnect_async(handle)
        } else {
            // The only call that stores the CONNECT properties (session expiry); its TCP connect blocks,
            // later attempts do not.
            connectCalled = true
            rc = mosquitto_connect_bind_v5(handle, settings.host, Int32(settings.port), Int32(settings.keepAlive),
                                           nil, connectProperties)
        }
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            // libmosquitto does not set close-on-exec; a spawned child would keep the connection alive.
            let socket = socketFD
            if socket >= 0 { _ = fcntl(socket, F_SETFD, fcntl(socket, F_GETFD) | FD_CLOEXEC) }
            phase = .connecting(since: monotonicSeconds())
            connackArrived = false
            subackArrived = false
        } else {
            let reason = MQTTError.reason(rc)
            let delay = backoff.next()
            phase = .idle(retryAt: monotonicSeconds() + delay)
            logger.warning("cannot connect to MQTT broker", metadata: [
                "broker": "\(settings.endpoint)", "reason": "\(reason)", "retry_in": "\(rounded(delay))",
            ])
        }
    }

    /// A TLS handshake that fails (an untrusted certificate, a host it does not name) closes the socket inside
    /// `mosquitto_loop_read` without a disconnect callback; without this the attempt would wait for the CONNACK
    /// timeout instead of being retried with backoff and logged with its reason.
    private func handshakeFailed(rc: Int32) {
        let delay = backoff.next()
        phase = .idle(retryAt: monotonicSeconds() + delay)
        logger.warning("cannot connect to MQTT broker", metadata: [
            "broker": "\(settings.endpoint)", "reason": "\(MQTTError.reason(rc))", "retry_in": "\(rounded(delay))",
        ])
    }

    /// A broker that accepts TCP but never answers CONNECT would otherwise hold us forever.
    private func checkConnectTimeout() {
        guard case .connecting(let since) = phase else { return }
        let limit = max(5, Double(settings.keepAlive))
        guard monotonicSeconds() - since > limit else { return }
        logger.warning("no CONNACK from MQTT broker, dropping the connection", metadata: [
            "broker": "\(settings.endpoint)", "waited": "\(rounded(limit))",
        ])
        dropConnection()
        if case .connecting = phase {
            // The socket never opened far enough for libmosquitto to notice; retry anyway.
            phase = .idle(retryAt: monotonicSeconds() + backoff.next())
        }
    }

    /// Moves publishes from the mailbox into libmosquitto, at most `sendMaximum` outstanding.
    private func feedPublishes() {
        guard isLinkUp, socketFD >= 0 else { return }
        switch stopping {
        case .no, .draining: break
        case .sayingOffline, .disconnecting: return
        }
        resendWaiting()
        let room = settings.sendMaximum - inflight.count
        guard room > 0 else { return }
        let items = mailbox.take(upTo: room)
        for (index, item) in items.enumerated() {
            if item.needsSubscriber, waitingForSubscriber.isWaiting(item.topic) {
                waitingForSubscriber.hold(item)
                continue
            }
            let rc = send(item, isProbe: false)
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                continue
            } else if MQTTLoop.isPermanent(rc) {
                // Retrying could never succeed; reporting it delivered keeps an outbox from looping forever.
                logger.error("cannot publish, dropping the message", metadata: [
                    "topic": "\(item.topic)", "reason": "\(MQTTError.reason(rc))",
                ])
                if let token = item.token { deliveredTokens.append(token) }
                finishedCount += 1
            } else {
                mailbox.giveBack(Array(items[index...]))
                return
            }
        }
    }

    /// Sends the due probes of topics that had no subscriber (they count against the in-flight window too).
    private func resendWaiting() {
        let now = monotonicSeconds()
        for item in waitingForSubscriber.dueProbes(now: now) where send(item, isProbe: true) != MOSQ_ERR_SUCCESS.rawValue {
            waitingForSubscriber.probeNotSent(item, now: now)
        }
    }

    /// Hands one caller's publish to libmosquitto and tracks it in flight; returns MOSQ_ERR_SUCCESS once
    /// libmosquitto owns it (for QoS > 0 a NO_CONN means "queued, sent after the reconnect"), else its error.
    private func send(_ item: MQTTPublish, isProbe: Bool) -> Int32 {
        var mid: Int32 = 0
        let rc = item.payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, &mid, item.topic, Int32(clamping: bytes.count), bytes.baseAddress,
                                 Int32(item.qos), item.retain, nil)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue || (rc == MOSQ_ERR_NO_CONN.rawValue && item.qos > 0) else { return rc }
        inflight[mid] = InFlight(topic: item.topic, token: item.token, qos: item.qos, fromCaller: true,
                                 publish: item.needsSubscriber ? item : nil, isProbe: isProbe)
        return MOSQ_ERR_SUCCESS.rawValue
    }

    /// The broker took a publish that needs a subscriber but had none for it.
    func noSubscriber(_ publish: MQTTPublish, wasProbe: Bool) {
        mailbox.answeredNoSubscriber()
        if waitingForSubscriber.noSubscriber(publish, wasProbe: wasProbe, now: monotonicSeconds()) {
            logger.warning("no subscriber for a topic whose messages need one; holding them and probing with backoff", metadata: [
                "topic": "\(publish.topic)",
            ])
        }
    }

    /// A publish on `topic` reached a subscriber: what was held for it goes out again, in order.
    func subscriberFound(on topic: String) {
        guard waitingForSubscriber.isWaiting(topic) else { return }
        let held = waitingForSubscriber.release(topic)
        logger.notice("a subscriber is back; sending what was held", metadata: ["topic": "\(topic)", "held": "\(held.count)"])
        mailbox.giveBack(held)
    }

    static func isPermanent(_ rc: Int32) -> Bool {
        [MOSQ_ERR_INVAL, MOSQ_ERR_PAYLOAD_SIZE, MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_OVERSIZE_PACKET,
         MOSQ_ERR_QOS_NOT_SUPPORTED, MOSQ_ERR_NOT_SUPPORTED].contains { $0.rawValue == rc }
    }

    /// Publishes our own retained status; returns its mid.
    @discardableResult
    func publishStatus(_ status: String) -> Int32? {
        guard let topic = settings.statusTopic else { return nil }
        let payload = Array(status.utf8)
        var mid: Int32 = 0
        let rc = mosquitto_publish_v5(handle, &mid, topic, Int32(payload.count), payload, 1, true, nil)
        guard rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_NO_CONN.rawValue else {
            logger.error("cannot publish status", metadata: ["topic": "\(topic)", "reason": "\(MQTTError.reason(rc))"])
            return nil
        }
        inflight[mid] = InFlight(topic: topic, token: nil, qos: 1, fromCaller: false)
        return mid
    }

    /// Writes what libmosquitto queued. It writes each packet with its own `send()`, and with TCP_NODELAY each would
    /// leave as its own TCP segment: after a batch of 500 messages, 500 PUBACK segments of 4 bytes, each one a trip
    /// through the TCP stack here and a wake-up and a read in the broker. Corked for the flush, they leave together
    /// when it ends; nothing waits longer than the flush itself.
    private func flush() {
        let socket = socketFD
        guard socket >= 0, mosquitto_want_write(handle) else { return }
        MQTTLoop.setCork(socket, true)
        _ = mosquitto_loop_write(handle, 1)
        MQTTLoop.setCork(socket, false)
    }

    private static func setCork(_ socket: Int32, _ on: Bool) {
        var value: Int32 = on ? 1 : 0
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Hands acknowledged tokens to the sink before `pendingPublishes` drops, so a caller that saw
    /// zero pending also sees every token.
    func report() {
        if !deliveredTokens.isEmpty {
            let tokens = deliveredTokens
            deliveredTokens = []
            sink?.mqttDelivered(tokens: tokens)
        }
        if !refusedPublishes.isEmpty {
            let refusals = refusedPublishes
            refusedPublishes = []
            sink?.mqttRefused(refusals)
        }
        if finishedCount > 0 {
            mailbox.finished(finishedCount)
            finishedCount = 0
        }
    }

    private func waitAndRead() {
        let socket = socketFD
        var fds = [pollfd(fd: wake.readFD, events: Int16(truncatingIfNeeded: POLLIN), revents: 0)]
        if socket >= 0 {
            var events = POLLIN
            if mosquitto_want_write(handle) { events |= POLLOUT }
            fds.append(pollfd(fd: socket, events: Int16(truncatingIfNeeded: events), revents: 0))
        }
        let idleWork = sink?.mqttHasIdleWork ?? false
        var timeout = pollTimeoutMilliseconds()
        if idleWork { timeout = min(timeout, Int32((settings.idleDelay * 1000).rounded(.up))) }
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        guard ready > 0 else {
            if ready == 0, idleWork { sink?.mqttIdle() }
            return
        }
        if fds[0].revents != 0 {
            mailbox.drainWake()
        }
        // Everything queued now belongs to committed batches (PUBACKs) or committed outbox rows (publishes), so
        // writing is allowed; a socket buffer that was full at the last flush has room again.
        if fds.count > 1, fds[1].revents & Int16(truncatingIfNeeded: POLLOUT) != 0 {
            flush()
        }
        let readable = Int16(truncatingIfNeeded: POLLIN | POLLERR | POLLHUP)
        if fds.count > 1, fds[1].revents & readable != 0 {
            readAndCommit()
        }
    }

    private func pollTimeoutMilliseconds() -> Int32 {
        let now = monotonicSeconds()
        // A second at most, so keepalive (loop_misc) and the stop request are looked at regularly.
        var wait = 1.0
        switch phase {
        case .idle(let retryAt): wait = min(wait, retryAt - now)
        case .connecting, .connected, .ready: break
        }
        if let due = waitingForSubscriber.nextDue { wait = min(wait, due - now) }
        switch stopping {
        case .no: break
        case .draining(let deadline): wait = min(wait, deadline - now)
        case .sayingOffline(_, let until), .disconnecting(let until): wait = min(wait, until - now)
        }
        return Int32((max(0, wait) * 1000).rounded(.up))
    }

    /// Reads until the socket is empty or the batch is full, then commits the batch. The PUBACKs
    /// libmosquitto queued meanwhile are written by the next `flush()`, i.e. after the commit.
    private func readAndCommit() {
        let limit = max(1, settings.receiveBatchLimit)
        while true {
            let rc = mosquitto_loop_read(handle, 1)
            if socketFD < 0 {
                // Connection gone: nothing of this batch was acknowledged, the broker redelivers it.
                batch.removeAll(keepingCapacity: true)
                if case .connecting = phase { handshakeFailed(rc: rc) }
                break
            }
            if batch.count >= limit || !MQTTLoop.isReadable(socketFD) { break }
        }
        commit()
        processConnectionEvents()
    }

    private static func isReadable(_ fd: Int32) -> Bool {
        var probe = pollfd(fd: fd, events: Int16(truncatingIfNeeded: POLLIN), revents: 0)
        return poll(&probe, 1, 0) > 0 && probe.revents != 0
    }

    private func commit() {
        guard !batch.isEmpty else { return }
        let received = batch
        batch = []
        guard let sink else {
            logger.debug("no sink, acknowledging received messages unstored", metadata: ["count": "\(received.count)"])
            return
        }
        do {
            try sink.mqttReceived(received)
            sinkFailing = false
        } catch {
            sinkFailing = true
            logger.error("cannot store received messages; dropping the connection so the broker redelivers them", metadata: [
                "count": "\(received.count)", "error": "\(error)",
            ])
            dropConnection()
        }
    }

    /// Closes the connection without writing anything more: the queued PUBACKs die with it
    /// (libmosquitto discards queued packets when it reconnects) and the broker sees an abrupt close.
    func dropConnection() {
        let socket = socketFD
        guard socket >= 0 else { return }
        discardingIncoming = true
        defer { discardingIncoming = false }
        _ = shutdown(socket, Int32(SHUT_RDWR))
        // After shutdown() reads drain what is buffered and then fail, which makes libmosquitto close
        // the socket and report the disconnect through its usual path.
        var attempts = 0
        while socketFD >= 0 && attempts < 100_000 {
            _ = mosquitto_loop_read(handle, 1)
            attempts += 1
        }
        if socketFD >= 0 {
            logger.error("libmosquitto kept a shut-down socket open", metadata: ["fd": "\(socket)"])
        }
    }

    private func processConnectionEvents() {
        if connackArrived, case .connecting = phase {
            connackArrived = false
            phase = .connected
            if !sinkFailing { backoff.reset() }
            logger.info("connected to MQTT broker", metadata: [
                "broker": "\(settings.endpoint)", "session_present": "\(sessionPresent)",
            ])
            pendingSubscribes = [:]
            // Retain handling 1: a resubscribe on an existing persistent session does not replay retained messages.
            var options = Int32(MQTT_SUB_OPT_SEND_RETAIN_NEW.rawValue)
            if settings.retainAsPublished { options |= Int32(MQTT_SUB_OPT_RETAIN_AS_PUBLISHED.rawValue) }
            subscribe(subscriptions, qos: 1, options: options)
            // Live filters: QoS 0 (nothing queued while we are away) and never a retained message.
            subscribe(liveFilters, qos: 0, options: Int32(MQTT_SUB_OPT_SEND_RETAIN_NEVER.rawValue))
            if pendingSubscribes.isEmpty { becomeReady() }
        }
        if subackArrived, case .connected = phase {
            subackArrived = false
            becomeReady()
        }
        if rollCallHeard {
            rollCallHeard = false
            if case .ready = phase, case .no = stopping { announcePresence() }
        }
    }

    /// The live subscriptions, the roll call included.
    var liveFilters: [String] { settings.liveSubscriptions + (settings.presence.map { [$0.rollCallTopic] } ?? []) }

    private func subscribe(_ list: [String], qos: Int32, options: Int32) {
        guard !list.isEmpty else { return }
        let filters = list.map { strdup($0) }
        defer { filters.forEach { free($0) } }
        var mid: Int32 = 0
        let rc = mosquitto_subscribe_multiple(handle, &mid, Int32(filters.count), filters, qos, options, nil)
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            pendingSubscribes[mid] = list
        } else {
            logger.error("cannot subscribe", metadata: [
                "subscriptions": "\(list)", "reason": "\(MQTTError.reason(rc))",
            ])
        }
    }

    /// `online` goes out once the subscriptions are in place: whoever waits for it (an operator, a test, a
    /// deployment script) may publish right away without a first session's messages finding no subscriber. A
    /// consumer's announcement goes just before it, so whoever hears "online" knows what it consumes.
    private func becomeReady() {
        announcePresence()
        phase = .ready
        mailbox.isConnected = true
        if reportsConnected { sink?.mqttConnected() }
    }

    /// The announcement (if this client has a presence) and the retained "online".
    private func announcePresence() {
        if let presence = settings.presence {
            var mid: Int32 = 0
            let payload = [UInt8](presence.announcement)
            let rc = mosquitto_publish_v5(handle, &mid, presence.announcementTopic, Int32(payload.count), payload, 1, true, nil)
            if rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_NO_CONN.rawValue {
                inflight[mid] = InFlight(topic: presence.announcementTopic, token: nil, qos: 1, fromCaller: false)
            } else {
                logger.error("cannot publish the presence announcement", metadata: [
                    "topic": "\(presence.announcementTopic)", "reason": "\(MQTTError.reason(rc))",
                ])
            }
        }
        publishStatus("online")
    }

    /// Returns true once the loop may exit.
    private func advanceShutdown() -> Bool {
        let now = monotonicSeconds()
        switch stopping {
        case .no:
            return false
        case .draining(let deadline):
            // What waits for a subscriber stays in the caller's outbox and goes out after the next start.
            let outstanding = mailbox.pending - waitingForSubscriber.heldCount
            let drained = outstanding == 0 && inflight.isEmpty
            guard drained || now >= deadline else { return false }
            if !drained {
                logger.warning("shutting down with publishes the broker has not acknowledged", metadata: [
                    "pending": "\(outstanding)",
                ])
            }
            guard isLinkUp, socketFD >= 0 else { return true }
            if let mid = publishStatus("offline") {
                stopping = .sayingOffline(mid: mid, until: now + 1)
            } else {
                disconnect(now: now)
            }
            return false
        case .sayingOffline(let mid, let until):
            guard isLinkUp, socketFD >= 0 else { return true }
            if inflight[mid] == nil || now >= until {
                disconnect(now: now)
            }
            return false
        case .disconnecting(let until):
            return socketFD < 0 || now >= until
        }
    }

    private func disconnect(now: Double) {
        _ = mosquitto_disconnect_v5(handle, Int32(MQTT_RC_NORMAL_DISCONNECTION.rawValue), nil)
        stopping = .disconnecting(until: now + 1)
    }

    private func teardown() {
        mailbox.isConnected = false
        report()
        if let handle {
            // Closing without DISCONNECT (timeout) makes the broker publish the "offline" will.
            mosquitto_destroy(handle)
        }
        handle = nil
        mosquitto_property_free_all(&connectProperties)
        logger.debug("MQTT loop stopped")
    }
}

func rounded(_ seconds: Double) -> String {
    String(format: "%.2fs", seconds)
}
