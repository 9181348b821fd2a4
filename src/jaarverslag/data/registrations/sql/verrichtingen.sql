-- verrichtingen: number of contacts per post and type of procedure (verrichting).
-- One contact row is one verrichting. Only combinations that occur get a row, as in the printed
-- tables; rows follow the codebook order of post and verrichting.
WITH n AS (
    SELECT post, verrichting, count(*) AS aantal
    FROM contacten
    GROUP BY post, verrichting
)
SELECT $jaar AS jaar, n.post, n.verrichting, n.aantal, 'zeker' AS status, NULL AS toelichting
FROM n
JOIN volgorde p ON p.lijst = 'post' AND p.waarde = n.post
JOIN volgorde v ON v.lijst = 'verrichting' AND v.waarde = n.verrichting
ORDER BY p.positie, v.positie
