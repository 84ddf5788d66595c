import StewardCore
import Testing

@Suite("Splits and labels of collected samples")
struct SplitTests {
    static func names(_ count: Int, prefix: String = "gs://collect/2026-11/") -> [String] {
        (0..<count).map { "\(prefix)\(["cat", "dog", "ship"][$0 % 3])_\($0).jpg" }
    }

    @Test("80/20 of 60 samples is 48/12")
    func counts() {
        let (train, test) = Split.assign(samples: Self.names(60), splits: .init(train: 80, test: 20))
        #expect(train.count == 48 && test.count == 12)
    }

    @Test("the train count is round(count × train / 100), halves up",
          arguments: [(0, 80, 0), (1, 80, 1), (1, 40, 0), (1, 50, 1), (5, 50, 3), (7, 80, 6), (3, 80, 2), (10, 0, 0), (10, 100, 10),
                      (999, 70, 699), (1000, 33, 330)])
    func rounding(count: Int, percent: Int, train: Int) {
        #expect(Split.trainCount(of: count, percent: percent) == train)
        let split = Split.assign(samples: Self.names(count), splits: .init(train: percent, test: 100 - percent))
        #expect(split.train.count == train && split.test.count == count - train)
    }

    @Test("the same samples split the same way in any order")
    func orderIndependent() {
        let samples = Self.names(200)
        let expected = Split.assign(samples: samples, splits: .init())
        var generator = SplitMix(seed: 7)
        for _ in 0..<10 {
            let shuffled = samples.shuffled(using: &generator)
            let split = Split.assign(samples: shuffled, splits: .init())
            #expect(split.train == expected.train && split.test == expected.test)
        }
        #expect(Split.assign(samples: samples.reversed(), splits: .init()).train == expected.train)
    }

    @Test("the split is not the input order: the hash decides")
    func notInputOrder() {
        let samples = Self.names(100)
        let train = Split.assign(samples: samples, splits: .init()).train
        #expect(train != Array(samples.prefix(80)))
        #expect(Set(train) != Set(samples.prefix(80)))
    }

    @Test("no sample is lost or duplicated, for every size up to 150 and several percentages")
    func partition() {
        for count in 0...150 {
            for percent in [0, 1, 20, 50, 67, 80, 99, 100] {
                var samples = Self.names(count, prefix: "s\(count)/")
                if count > 3 { samples += samples.prefix(3) }  // duplicates in the input count once
                let (train, test) = Split.assign(samples: samples, splits: .init(train: percent, test: 100 - percent))
                #expect(train.count + test.count == Set(samples).count)
                #expect(Set(train).isDisjoint(with: test))
                #expect(Set(train).union(test) == Set(samples))
                #expect(Set(train).count == train.count && Set(test).count == test.count)
            }
        }
    }

    @Test("adding m samples moves at most m of the existing samples across sides")
    func stableWhenAdding() {
        let all = Self.names(300)
        for (base, added) in [(100, 1), (100, 5), (60, 40), (200, 100), (10, 1)] {
            let before = Split.assign(samples: Array(all.prefix(base)), splits: .init())
            let after = Split.assign(samples: Array(all.prefix(base + added)), splits: .init())
            let movedToTest = Set(before.train).intersection(after.test).count
            let movedToTrain = Set(before.test).intersection(after.train).count
            #expect(movedToTest + movedToTrain <= added, "base \(base) + \(added)")
        }
    }

    @Test("labels come from the file name up to the first underscore",
          arguments: [("cat_0001.jpg", "cat"), ("gs://b/2026-11/dog_12.png", "dog"), ("a/b/sea_lion_3.jpg", "sea"),
                      ("airplane_.jpg", "airplane"), ("nolabel.jpg", nil), ("_0001.jpg", nil), ("dir_x/cat.jpg", nil),
                      ("", nil)] as [(String, String?)])
    func labelFromFileName(name: String, label: String?) {
        #expect(SampleLabels.label(fromFileName: name) == label)
    }

    @Test("a labels CSV with a header, quotes, CRLF and blank lines")
    func labelsCSV() throws {
        let text = "filename,label\r\ncat_1.jpg,cat\r\n\"a,b.jpg\",dog\r\n\r\n\"say \"\"hi\"\".jpg\" , \"ship\"\nsub/x.jpg,frog\n"
        let labels = try SampleLabels.parseCSV(text)
        #expect(labels.byName == ["cat_1.jpg": "cat", "a,b.jpg": "dog", #"say "hi".jpg"#: "ship", "sub/x.jpg": "frog"])
        #expect(labels.label(for: "gs://b/2026-11/cat_1.jpg") == "cat")
        #expect(labels.label(for: "sub/x.jpg") == "frog")
        #expect(labels.label(for: "gs://b/other/x.jpg") == "frog")
        #expect(labels.label(for: "gs://b/missing.jpg") == nil)
        #expect(SampleLabels.label(for: "gs://b/a,b.jpg", source: .file("labels.csv"), labelsFile: labels) == "dog")
        #expect(SampleLabels.label(for: "gs://b/cat_9.jpg", source: .filenamePrefix, labelsFile: nil) == "cat")
    }

    @Test("a labels CSV without a header")
    func labelsCSVNoHeader() throws {
        let labels = try SampleLabels.parseCSV("x.jpg,cat\ny.jpg,dog")
        #expect(labels.byName == ["x.jpg": "cat", "y.jpg": "dog"])
    }

    @Test("an ambiguous file name is not guessed")
    func ambiguousBaseName() throws {
        let labels = try SampleLabels.parseCSV("a/x.jpg,cat\nb/x.jpg,dog\n")
        #expect(labels.label(for: "a/x.jpg") == "cat")
        #expect(labels.label(for: "c/x.jpg") == nil)
    }

    @Test("bad labels files are refused with the line",
          arguments: [("x.jpg,cat,extra\n", 1, "3 fields"), ("ok.jpg,cat\nonly-name\n", 2, "1 fields"),
                      ("\"x.jpg,cat\n", 1, "a quoted field is not closed"), ("x.jpg,\n", 1, "empty label for 'x.jpg'"),
                      ("a\"b.jpg,cat\n", 1, "a quote inside an unquoted field")])
    func badCSV(text: String, line: Int, reason: String) {
        #expect(throws: DataError.badLabelsLine(line: line, reason: reason)) { try SampleLabels.parseCSV(text) }
    }

    @Test("a file labelled twice differently is refused")
    func conflicting() {
        #expect(throws: DataError.conflictingLabels(file: "x.jpg", first: "cat", second: "dog", line: 3)) {
            try SampleLabels.parseCSV("filename,label\nx.jpg,cat\nx.jpg,dog\n")
        }
        #expect(DataError.conflictingLabels(file: "x.jpg", first: "cat", second: "dog", line: 3).description
            == "labels file line 3: 'x.jpg' is labelled 'dog' but was labelled 'cat' before")
    }
}

/// A small deterministic generator for shuffles in tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
