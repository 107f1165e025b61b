// What every test gets with TestSupport: the harness shared with the benchmark (ChildProcess, LocalPorts,
// MosquittoBroker, ServiceProcess, eventually).
@_exported import Harness
