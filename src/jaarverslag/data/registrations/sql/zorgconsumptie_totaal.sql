-- zorgconsumptie_totaal: the margins of zorgconsumptie: per gemeente over all kinds
-- ('Alle soorten'), per kind over all municipalities ('Alle gemeenten'), and the grand total.
WITH per_contact AS (
    SELECT c.gemeente, s.soort
    FROM contacten c
    JOIN verrichting_soort s ON s.verrichting = c.verrichting
),
n AS (
    SELECT coalesce(gemeente, 'Alle gemeenten') AS gemeente, coalesce(soort, 'Alle soorten') AS soort,
           count(*) AS aantal
    FROM per_contact
    GROUP BY GROUPING SETS ((gemeente), (soort), ())
)
SELECT $jaar AS jaar, n.gemeente, n.soort, n.aantal, 'zeker' AS status, NULL AS toelichting
FROM n
JOIN volgorde g ON g.lijst = 'gemeente_of_alle' AND g.waarde = n.gemeente
JOIN volgorde s ON s.lijst = 'soort_contact_of_alle' AND s.waarde = n.soort
WHERE n.aantal > 0
ORDER BY g.positie, s.positie
