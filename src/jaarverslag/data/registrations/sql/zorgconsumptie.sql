-- zorgconsumptie: contacts per municipality of residence (gemeente, or Onbekend) and kind of
-- contact (soort, from the reference table verrichting_soort).
WITH n AS (
    SELECT c.gemeente, s.soort, count(*) AS aantal
    FROM contacten c
    JOIN verrichting_soort s ON s.verrichting = c.verrichting
    GROUP BY c.gemeente, s.soort
)
SELECT $jaar AS jaar, n.gemeente, n.soort, n.aantal, 'zeker' AS status, NULL AS toelichting
FROM n
JOIN volgorde g ON g.lijst = 'gemeente_of_onbekend' AND g.waarde = n.gemeente
JOIN volgorde s ON s.lijst = 'soort_contact' AND s.waarde = n.soort
ORDER BY g.positie, s.positie
