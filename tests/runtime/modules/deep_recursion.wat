;; run calls itself until the wasm stack is exhausted.
(module
  (memory (export "memory") 1)
  
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func $run (export "run") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $run (local.get $ptr) (i32.add (local.get $len) (i32.const 1)))) (i64.const 0)))
