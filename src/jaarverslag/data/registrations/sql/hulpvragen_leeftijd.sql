-- hulpvragen_leeftijd: contacts per age group and kind of contact (soort: advies/telefonisch
-- consult, consult, visite). The age group comes from leeftijd_groep (one row per whole year of
-- age, built from the codebook list: "0-10" is 0 up to and including 9, "80+" is 80 and older);
-- the kind from the reference table verrichting_soort.
WITH n AS (
    SELECT g.groep AS leeftijdsgroep, s.soort, count(*) AS aantal
    FROM contacten c
    JOIN leeftijd_groep g ON g.leeftijd = c.leeftijd
    JOIN verrichting_soort s ON s.verrichting = c.verrichting
    GROUP BY g.groep, s.soort
)
SELECT $jaar AS jaar, n.leeftijdsgroep, n.soort, n.aantal, 'zeker' AS status, NULL AS toelichting
FROM n
JOIN volgorde l ON l.lijst = 'leeftijdsgroep_hulpvraag' AND l.waarde = n.leeftijdsgroep
JOIN volgorde s ON s.lijst = 'soort_contact' AND s.waarde = n.soort
ORDER BY l.positie, s.positie
