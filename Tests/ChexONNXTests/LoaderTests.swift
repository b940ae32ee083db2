import Foundation
import Testing

@testable import ChexONNX
