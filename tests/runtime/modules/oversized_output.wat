;; run claims a 4 GiB - 1 output.
(module
  (memory (export "memory") 1)
  
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func $run (export "run") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0xFFFFFFFF)))
