;; run answers a JSON array, not an object.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "[]")
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func $run (export "run") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 2))))
