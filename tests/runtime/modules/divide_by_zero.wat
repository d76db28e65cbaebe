;; run divides by a zero it read from memory (not a constant the compiler could see).
(module
  (memory (export "memory") 1)
  
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func $run (export "run") (param $ptr i32) (param $len i32) (result i64)
    (drop (i32.div_u (i32.const 7) (i32.load (i32.const 4096)))) (i64.const 0)))
