print("steward-bench")
