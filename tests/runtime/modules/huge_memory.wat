;; Declares 1 GiB of initial linear memory: over every tier's memory cap.
(module
  (memory (export "memory") 16384)
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func (export "run") (param $ptr i32) (param $len i32) (result i64) (i64.const 0)))
