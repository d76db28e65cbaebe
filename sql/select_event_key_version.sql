-- The version of event_key(): its values on fixed inputs, which name the id index's folder.
SELECT event_key('t0001', 'e-1'), event_key('', ''), event_key('tenant', 'ü €'), event_key('a', 'bc');
