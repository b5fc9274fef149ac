// Prints the text on a screenshot, one recognised line per output line
// (Apple's Vision framework; macOS 11+). Used by the iOS simulator job of
// .github/workflows/mobile.yml to check which screen the app shows:
//   swift mobile/ios/screen-text.swift screenshot.png
import AppKit
import Foundation
import Vision

let args = CommandLine.arguments
guard args.count == 2 else {
    FileHandle.standardError.write("usage: screen-text.swift IMAGE\n".data(using: .utf8)!)
    exit(2)
}
guard let image = NSImage(contentsOfFile: args[1]),
      let cgImage = image.cgImage(forProposedRect: nil, context: nil, hints: nil) else {
    FileHandle.standardError.write("screen-text: cannot read \(args[1])\n".data(using: .utf8)!)
    exit(2)
}
let request = VNRecognizeTextRequest()
request.recognitionLevel = .accurate
request.usesLanguageCorrection = false
try VNImageRequestHandler(cgImage: cgImage, options: [:]).perform([request])
for observation in request.results ?? [] {
    if let best = observation.topCandidates(1).first {
        print(best.string)
    }
}
