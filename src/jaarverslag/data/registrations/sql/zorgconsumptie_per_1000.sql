-- zorgconsumptie_per_1000: consulteenheden per 1,000 inhabitants of each gemeente of the
-- werkgebied: the rounded consulteenheden (the derived table of consulteenheden.sql, which runs
-- first) divided by the year's inwoners_x1000 (typed table inwoners_gemeente), rounded to a whole
-- number with a half up. Onbekend has no inhabitants and no row.
SELECT $jaar AS jaar, u.gemeente,
       (2 * u.consulteenheden + i.inwoners_x1000) // (2 * i.inwoners_x1000) AS consulteenheden_per_1000,
       'zeker' AS status, NULL AS toelichting
FROM consulteenheden u
JOIN inwoners_gemeente i ON i.gemeente = u.gemeente AND i.inwoners_x1000 > 0
JOIN volgorde g ON g.lijst = 'gemeente' AND g.waarde = u.gemeente
ORDER BY g.positie
