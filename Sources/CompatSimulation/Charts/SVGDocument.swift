/// A minimal SVG writer: the few shapes the charts need, with text escaped and coordinates rounded to
/// 0.1 px so the same data always gives byte-identical files.
struct SVGDocument {
    let width: Double
    let height: Double
    private(set) var body: [String] = []

    /// DejaVu Sans (present wherever fontconfig is) and the generic fallback.
    static let fontFamily = "DejaVu Sans, Verdana, Arial, sans-serif"

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    var text: String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"\(Self.fontFamily)\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
        for element in body { out += element + "\n" }
        out += "</svg>\n"
        return out
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1, title: String? = nil) {
        let strokeText = stroke.map { " stroke=\"\($0)\" stroke-width=\"\(n(strokeWidth))\"" } ?? ""
        let open = "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, width)))\" height=\"\(n(max(0, height)))\" fill=\"\(fill)\"\(strokeText)"
        body.append(title.map { open + "><title>\(Self.escape($0))</title></rect>" } ?? open + "/>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        let dashText = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"\(dashText)/>")
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String, strokeWidth: Double = 1, opacity: Double = 1, title: String? = nil) {
        let opacityText = opacity < 1 ? " fill-opacity=\"\(n(opacity))\"" : ""
        let open = "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\"\(opacityText)"
        body.append(title.map { open + "><title>\(Self.escape($0))</title></circle>" } ?? open + "/>")
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(_ content: String, x: Double, y: Double, size: Double = 13, anchor: Anchor = .start, weight: String? = nil, fill: String = "#222222", rotate: Double? = nil) {
        let weightText = weight.map { " font-weight=\"\($0)\"" } ?? ""
        let rotateText = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        body.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\"\(weightText)\(rotateText)>\(Self.escape(content))</text>")
    }

    /// An approximate rendered width of `text` in DejaVu Sans (average advance ≈ 0.6 em, bold ≈ 0.68 em),
    /// for layout. Generous on purpose: a little white space costs less than a clipped title.
    static func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        Double(text.count) * size * (bold ? 0.68 : 0.6)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 forbids most control characters even when escaped; drop them.
                if let ascii = c.asciiValue, ascii < 0x20, ascii != 0x09, ascii != 0x0A { continue }
                out.append(c)
            }
        }
        return out
    }

    private func n(_ value: Double) -> String { decimalText(value, maximumFractionDigits: 1) }
}

/// Axis ticks at "nice" steps (1, 2, 2.5 or 5 × 10^k) covering a range.
///
/// Ticks are computed as `index × fraction ÷ 10^-k` rather than by repeated addition, so `7.6` is the
/// double nearest 7.6 and not `7.6000000000000005`.
struct NiceScale {
    let lower: Double
    let upper: Double
    let step: Double
    private let fraction: Double
    private let exponent: Int
    private let lowerIndex: Int
    private let upperIndex: Int

    /// About `targetTicks` intervals covering `minimum...maximum`; a zero-width range is widened by one
    /// unit (or 10 %) on each side so a single value still gets an axis.
    init(minimum: Double, maximum: Double, targetTicks: Int = 5) {
        var low = minimum.isFinite ? minimum : 0
        var high = maximum.isFinite ? maximum : 1
        if high - low <= 0 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let rough = (high - low) / Double(max(1, targetTicks))
        var exponent = floorLog10(rough)
        let normalised = rough / pow10(exponent)
        var fraction: Double = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10
        if fraction == 10 {
            fraction = 1
            exponent += 1
        }
        self.fraction = fraction
        self.exponent = exponent
        let step = Self.value(1, fraction: fraction, exponent: exponent)
        self.step = step
        // The ratio is bounded (a range is at least one ulp of its ends), but clamp rather than trap.
        func index(_ x: Double) -> Int { Int(max(-1e15, min(1e15, x))) }
        lowerIndex = index((low / step).rounded(.down))
        upperIndex = max(lowerIndex + 1, index((high / step).rounded(.up)))
        lower = Self.value(lowerIndex, fraction: fraction, exponent: exponent)
        upper = Self.value(upperIndex, fraction: fraction, exponent: exponent)
    }

    var ticks: [Double] {
        (lowerIndex...min(upperIndex, lowerIndex + 50)).map { Self.value($0, fraction: fraction, exponent: exponent) }
    }

    private static func value(_ index: Int, fraction: Double, exponent: Int) -> Double {
        exponent >= 0 ? Double(index) * fraction * pow10(exponent) : Double(index) * fraction / pow10(-exponent)
    }
}

private func floorLog10(_ x: Double) -> Int {
    var exponent = 0
    var value = x
    guard value > 0, value.isFinite else { return 0 }
    while value >= 10 { value /= 10; exponent += 1 }
    while value < 1 { value *= 10; exponent -= 1 }
    return exponent
}

private func pow10(_ exponent: Int) -> Double {
    var result = 1.0
    if exponent >= 0 { for _ in 0..<exponent { result *= 10 } } else { for _ in 0..<(-exponent) { result /= 10 } }
    return result
}
