using ThreadSync.AuditVerify;

// Verifies a ThreadSync audit chain: in a SQLite file, in a PostgreSQL database, or in a JSON Lines export.
// Exit code 0: valid; 1: invalid (the first bad record is named); 2: bad arguments or the chain could not be read.
return await Verifier.RunAsync(args, Console.Out, Console.Error);
