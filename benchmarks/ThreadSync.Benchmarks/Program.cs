using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// Always in-process (emit toolchain): no generated project to build, so repository build settings (warnings as
// errors, central package management) cannot break a run. Jobs given on the command line (--job short) apply.
string[] arguments = args.Any(a => a is "--inProcess" or "-i") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments, DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default));
