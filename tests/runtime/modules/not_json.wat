;; run answers bytes that are not UTF-8 JSON.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "\ff\fenot json!!")
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func $run (export "run") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 12))))
