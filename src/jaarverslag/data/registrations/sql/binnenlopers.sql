-- binnenlopers: contacts of patients who came to the post without calling first, per post.
-- Every post with contacts gets a row, so a post without walk-ins shows a real 0.
SELECT $jaar AS jaar, c.post, count(*) FILTER (WHERE c.binnenloper) AS aantal, 'zeker' AS status,
       NULL AS toelichting
FROM contacten c
JOIN volgorde p ON p.lijst = 'post' AND p.waarde = c.post
GROUP BY c.post, p.positie
ORDER BY p.positie
