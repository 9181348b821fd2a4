-- consulteenheden_totaal: the consulteenheden of all contacts ('Alle gemeenten'), weighted as in
-- consulteenheden.sql and rounded once (half up), not the sum of the rounded municipal figures.
SELECT $jaar AS jaar, 'Alle gemeenten' AS gemeente, (sum(w.halven) + 1) // 2 AS consulteenheden,
       'zeker' AS status, NULL AS toelichting
FROM contacten c
JOIN verrichting_soort s ON s.verrichting = c.verrichting
JOIN gewicht w ON w.soort = s.soort
HAVING count(*) > 0
