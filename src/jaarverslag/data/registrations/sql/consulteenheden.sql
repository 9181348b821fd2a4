-- consulteenheden: weighted contacts per gemeente: 0.5 x advies/telefonisch consult + 1 x consult
-- + 1.5 x visite (weights from metrics.CONSULTEENHEID_WEIGHTS, passed in as whole halves so the
-- sum is exact), rounded to a whole number with a half rounded up, as the printed report does.
WITH halves AS (
    SELECT c.gemeente, sum(w.halven) AS halven
    FROM contacten c
    JOIN verrichting_soort s ON s.verrichting = c.verrichting
    JOIN gewicht w ON w.soort = s.soort
    GROUP BY c.gemeente
)
SELECT $jaar AS jaar, h.gemeente, (h.halven + 1) // 2 AS consulteenheden, 'zeker' AS status, NULL AS toelichting
FROM halves h
JOIN volgorde g ON g.lijst = 'gemeente_of_onbekend' AND g.waarde = h.gemeente
ORDER BY g.positie
