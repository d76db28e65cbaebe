;; Calls env.abort with an AssemblyScript string (UTF-16LE, byte length in the 4 bytes before it).
(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 60) "\0e\00\00\00b\00o\00o\00m\00!\00!\00!\00")
  (func (export "alloc") (param $n i32) (result i32) (i32.const 1024))
  (func (export "run") (param $ptr i32) (param $len i32) (result i64)
    (call $abort (i32.const 64) (i32.const 0) (i32.const 7) (i32.const 3)) (i64.const 0)))
