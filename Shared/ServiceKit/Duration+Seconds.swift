// A Duration in seconds, for the places that store or log time as a number.
extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
