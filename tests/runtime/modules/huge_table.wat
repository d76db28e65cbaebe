;; Declares a table of a million elements: over every tier's table cap.
(module
  (memory (export "memory") 1)
  (table 1000000 funcref)
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func (export "run") (param $ptr i32) (param $len i32) (result i64) (i64.const 0)))
